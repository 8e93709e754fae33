// `vigil serve`: the entry point SageMaker starts the inference image with (`docker run <image>
// serve`). Flags override SM_MODEL_DIR and SAGEMAKER_BIND_TO_PORT; SIGTERM (how SageMaker stops
// a container) lets running invocations answer, then exits.
import { closeOnSignals } from '../adapters/shared/http-listen.js';
import {
  defaultContainerPort,
  defaultModelDir,
  ModelLoadError,
  startSageMakerContainerServer,
  type ContainerServer,
} from './container-server.js';

export interface ServeCommandOptions {
  modelDir?: string;
  port?: string;
  host?: string;
}

/** An empty variable counts as unset. */
function set(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function portOf(text: string, from: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) throw new Error(`${from} must be a port number (0-65535), got "${text}"`);
  return port;
}

/** Resolves once the server listens; undefined (exit code 1, message on stderr) when the model cannot be served. */
export async function serveCommand(options: ServeCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<ContainerServer | undefined> {
  const modelDir = options.modelDir ?? set(env.SM_MODEL_DIR) ?? defaultModelDir;
  const boundPort = set(env.SAGEMAKER_BIND_TO_PORT);
  const port = options.port !== undefined ? portOf(options.port, '--port') : boundPort !== undefined ? portOf(boundPort, 'SAGEMAKER_BIND_TO_PORT') : defaultContainerPort;
  let server: ContainerServer;
  try {
    server = await startSageMakerContainerServer({
      modelDir,
      port,
      ...(options.host === undefined ? {} : { host: options.host }),
      expect: { model: env.VIGIL_MODEL, version: env.VIGIL_MODEL_VERSION },
    });
  } catch (error) {
    if (!(error instanceof ModelLoadError)) throw error;
    // What SageMaker shows as the endpoint's failure is this log line: the cause, not a stack.
    console.error(`vigil serve: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  }
  const { model, version } = server.artifact;
  console.log(`vigil serve: ${model}/${version} from ${server.artifactPath}, listening on ${server.url}`);
  closeOnSignals('vigil serve', server);
  return server;
}
