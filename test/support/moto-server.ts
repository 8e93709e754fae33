// Provides moto's server (a local AWS emulator) so the AWS adapters are tested over real HTTP.
// moto is a Python package: it is installed into a virtualenv cached outside the repository, at a
// pinned version, and reused by later runs. An explicit MOTO_SERVER_PATH wins.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { pythonToolDir, resolvePythonTool, type PythonTool, type PythonToolOptions, type ResolvedPythonTool } from './python-tool.js';

export const MOTO_VERSION = '5.2.5';
export const MOTO_PATH_VARIABLE = 'MOTO_SERVER_PATH';

export type MotoSource = ResolvedPythonTool['source'];
export type ResolvedMoto = ResolvedPythonTool;
export type MotoOptions = PythonToolOptions;

export const motoTool: PythonTool = { name: 'moto', version: MOTO_VERSION, requirements: [`moto[server]==${MOTO_VERSION}`], executable: 'moto_server', pathVariable: MOTO_PATH_VARIABLE };

export function motoVenvDir(cacheDir: string): string {
  return pythonToolDir(motoTool, cacheDir);
}

/** The moto_server executable: from MOTO_SERVER_PATH, the cached virtualenv, or a fresh install. */
export function resolveMotoServer(options: MotoOptions = {}): Promise<ResolvedMoto> {
  return resolvePythonTool(motoTool, options);
}

export interface MotoServer {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
}

export interface StartMotoOptions extends MotoOptions {
  /** How long to wait for the first HTTP answer; default 60 s. */
  readyTimeoutMs?: number;
}

/** Starts moto_server on a free loopback port and resolves once it answers HTTP. */
export async function startMotoServer(options: StartMotoOptions = {}): Promise<MotoServer> {
  const onProgress = options.onProgress ?? (() => undefined);
  const moto = await resolveMotoServer(options);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = options.env ?? process.env;
  const child = spawn(moto.path, ['-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killTimer);
  };
  try {
    await waitUntilAnswering(endpoint, child, options.readyTimeoutMs ?? 60_000, () => spawnError);
  } catch (error) {
    await stop();
    throw new Error(`moto_server (${moto.path}) did not start on ${endpoint}: ${String(error)}\n${tail}`, { cause: error });
  }
  onProgress(`moto ${MOTO_VERSION} listening on ${endpoint}`);
  return { endpoint, stop };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number, spawnError: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = spawnError();
    if (error !== undefined) throw error;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited early (${child.exitCode ?? child.signalCode})`);
    try {
      // Any HTTP status means the server is accepting requests.
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no HTTP answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
