// Provides moto's server (a local AWS emulator) so the AWS adapters are tested over real HTTP.
// moto is a Python package: it is installed into a virtualenv cached outside the repository, at a
// pinned version, and reused by later runs. An explicit MOTO_SERVER_PATH wins.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { findOnPath, isExecutable, vigilCacheDir } from '../../src/dev/go-tool.js';
import { runWithProgress } from '../../src/dev/run-command.js';

export const MOTO_VERSION = '5.2.5';
export const MOTO_PATH_VARIABLE = 'MOTO_SERVER_PATH';

export type MotoSource = 'variable' | 'cache' | 'installed';

export interface ResolvedMoto {
  path: string;
  source: MotoSource;
}

export interface MotoOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the virtualenv lives; default `$VIGIL_CACHE_DIR` or `~/.cache/vigil`. */
  cacheDir?: string;
  /** Receives one line per install step: a first install takes a minute or two. */
  onProgress?: (line: string) => void;
}

export function motoVenvDir(cacheDir: string): string {
  return join(cacheDir, 'moto', MOTO_VERSION);
}


/** The moto_server executable: from MOTO_SERVER_PATH, the cached virtualenv, or a fresh install. */
export async function resolveMotoServer(options: MotoOptions = {}): Promise<ResolvedMoto> {
  const env = options.env ?? process.env;
  const explicit = env[MOTO_PATH_VARIABLE];
  if (explicit !== undefined && explicit !== '') {
    if (!(await isExecutable(explicit))) throw new Error(`${MOTO_PATH_VARIABLE}=${explicit} is not an executable file`);
    return { path: explicit, source: 'variable' };
  }
  const cacheDir = options.cacheDir ?? vigilCacheDir(env);
  const executable = join(motoVenvDir(cacheDir), 'bin', 'moto_server');
  if (await isExecutable(executable)) return { path: executable, source: 'cache' };
  await install(cacheDir, env, options.onProgress ?? (() => undefined));
  if (!(await isExecutable(executable))) throw new Error(`installing moto produced no ${executable}`);
  return { path: executable, source: 'installed' };
}

async function install(cacheDir: string, env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<void> {
  const python = (await findOnPath('python3', env)) ?? (await findOnPath('python', env));
  if (python === undefined) {
    throw new Error(`moto ${MOTO_VERSION} is needed and Python 3 is not installed. Install python3 (with venv), or set ${MOTO_PATH_VARIABLE}.`);
  }
  const finalDir = motoVenvDir(cacheDir);
  // Install into a scratch folder and rename, so an interrupted install never leaves a broken venv.
  const scratch = join(cacheDir, 'moto', `.install-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(join(cacheDir, 'moto'), { recursive: true });
  onProgress(`installing moto ${MOTO_VERSION} with ${python} into ${finalDir} (first run only; takes a minute or two)`);
  const started = Date.now();
  const ticker = setInterval(() => onProgress(`  still installing moto... ${Math.round((Date.now() - started) / 1000)}s`), 30_000);
  try {
    await runWithProgress(python, ['-m', 'venv', scratch], env, onProgress);
    const venvPython = join(scratch, 'bin', 'python');
    await runWithProgress(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `moto[server]==${MOTO_VERSION}`], env, onProgress);
    await fixScriptPaths(scratch, finalDir);
  } finally {
    clearInterval(ticker);
  }
  // Another process may have finished the same install meanwhile: keep its copy.
  if (!(await isExecutable(join(finalDir, 'bin', 'moto_server')))) {
    await rm(finalDir, { recursive: true, force: true });
    try {
      await rename(scratch, finalDir);
    } catch (error) {
      if (!(await isExecutable(join(finalDir, 'bin', 'moto_server')))) throw error;
    }
  }
  await rm(scratch, { recursive: true, force: true });
  onProgress(`installed moto in ${Math.round((Date.now() - started) / 1000)}s`);
}

/**
 * venv and pip write the venv's absolute path into the scripts' shebangs and activate files; they
 * are pointed at the final folder before the rename, so they are valid the moment it appears.
 */
async function fixScriptPaths(scratch: string, finalDir: string): Promise<void> {
  const binDir = join(scratch, 'bin');
  for (const name of await readdir(binDir)) {
    const path = join(binDir, name);
    // bin/python* are symlinks to the base interpreter, which must never be rewritten.
    const stats = await lstat(path);
    if (!stats.isFile() || stats.size > 1_000_000) continue;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    if (!text.includes(scratch)) continue;
    await writeFile(path, text.split(scratch).join(finalDir));
  }
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
