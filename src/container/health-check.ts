// The Vigil image's HEALTHCHECK (Docker runs it inside the container; exit 0 healthy, 1 not). What
// is checked follows what the container runs, read from PID 1's arguments:
//   serve        GET /ping on SAGEMAKER_BIND_TO_PORT (or 8080) answers 200: the model is loaded
//   worker       the Temporal frontend (as the worker finds it: TEMPORAL_ADDRESS, a profile, or
//                localhost:7233) accepts a connection:
//                a worker that cannot reach it polls nothing
//   otherwise    (train, evaluate, one-off commands) nothing: they end on their own
// SageMaker ignores HEALTHCHECK: it probes endpoints on /ping itself and judges jobs by exit code.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import { temporalTarget } from '../temporal/connection.js';

export type ContainerRole = 'serve' | 'worker' | 'other';

const defaultTimeoutMs = 3000;

/** The role of a process from its arguments: the word after cli.js; none is the image's default CMD, the worker. */
export function roleOf(argv: readonly string[]): ContainerRole {
  const entry = argv.findIndex((argument) => /(^|\/)cli\.js$/.test(argument));
  if (entry < 0) return 'other';
  const command = argv.slice(entry + 1).find((argument) => argument !== '' && !argument.startsWith('-'));
  if (command === undefined || command === 'worker') return 'worker';
  return command === 'serve' ? 'serve' : 'other';
}

async function pingServe(port: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.status === 200 ? undefined : `GET /ping on port ${port} answered ${response.status}`;
  } catch (error) {
    return `GET /ping on port ${port} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function reachTemporal(address: string, timeoutMs: number): Promise<string | undefined> {
  const separator = address.lastIndexOf(':');
  const host = separator < 0 ? address : address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = separator < 0 ? 7233 : Number(address.slice(separator + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(`Temporal at ${address} did not accept a connection within ${timeoutMs} ms`));
    socket.once('error', (error) => done(`Temporal at ${address} is unreachable: ${error.message}`));
  });
}

/** Undefined when healthy, else what is wrong. */
export function checkHealth(role: ContainerRole, env: NodeJS.ProcessEnv, timeoutMs = defaultTimeoutMs): Promise<string | undefined> {
  if (role === 'serve') return pingServe(env.SAGEMAKER_BIND_TO_PORT || '8080', timeoutMs);
  // The address the worker itself connects to: TEMPORAL_ADDRESS, a profile, or localhost:7233.
  if (role === 'worker') return reachTemporal(temporalTarget(env).address, timeoutMs);
  return Promise.resolve(undefined);
}

/** The container's command: PID 1's arguments, unless given (to check another command by hand). */
async function containerCommand(given: readonly string[]): Promise<string[]> {
  if (given.length > 0) return [...given];
  // NUL-separated; with `docker run --init` PID 1 is the init, whose arguments still hold the command.
  return (await readFile('/proc/1/cmdline', 'utf8')).split('\0');
}

async function main(): Promise<void> {
  const argv = await containerCommand(process.argv.slice(2));
  const problem = await checkHealth(roleOf(argv), process.env);
  if (problem !== undefined) {
    console.error(`unhealthy: ${problem}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
