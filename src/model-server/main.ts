// Runs the local model server as its own process:
//   node --import tsx src/model-server/main.ts --port 8080 --state-dir .vigil/model-server
// Flags override VIGIL_MODEL_SERVER_PORT, VIGIL_MODEL_SERVER_HOST, VIGIL_MODEL_SERVER_STATE_DIR,
// VIGIL_MODEL_SERVER_ARTIFACTS_DIR (default: "models" beside the state dir, Vigil's data dir layout)
// and VIGIL_MODEL_SERVER_MAX_PAYLOAD_BYTES. Closes cleanly on SIGINT/SIGTERM. There is deliberately
// no way to turn fault injection on here: that is for tests, which start the server in process.
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { closeOnSignals } from '../adapters/shared/http-listen.js';
import { startModelServer, type ModelServer, type ModelServerOptions } from './model-server.js';

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return value;
}

/** The standalone process's options: everything but faultInjection, which stays off. */
export type StandaloneModelServerOptions = Omit<ModelServerOptions, 'faultInjection'>;

export function modelServerOptions(argv: readonly string[], env: NodeJS.ProcessEnv): StandaloneModelServerOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'state-dir': { type: 'string' },
      'artifacts-dir': { type: 'string' },
      'max-payload-bytes': { type: 'string' },
    },
    strict: true,
  });
  const stateDir = resolve(values['state-dir'] ?? env.VIGIL_MODEL_SERVER_STATE_DIR ?? '.vigil/model-server');
  return {
    port: integer('port', values.port ?? env.VIGIL_MODEL_SERVER_PORT, 8080),
    host: values.host ?? env.VIGIL_MODEL_SERVER_HOST ?? '127.0.0.1',
    stateDir,
    artifactsDir: resolve(values['artifacts-dir'] ?? env.VIGIL_MODEL_SERVER_ARTIFACTS_DIR ?? join(dirname(stateDir), 'models')),
    maxPayloadBytes: integer('max-payload-bytes', values['max-payload-bytes'] ?? env.VIGIL_MODEL_SERVER_MAX_PAYLOAD_BYTES, 6 * 1024 * 1024),
  };
}

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<ModelServer> {
  const options = modelServerOptions(argv, env);
  const server = await startModelServer({ ...options, faultInjection: false });
  console.log(`model server listening on ${server.url} (state in ${options.stateDir}, artifacts from ${options.artifactsDir})`);
  closeOnSignals('model server', server);
  return server;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
