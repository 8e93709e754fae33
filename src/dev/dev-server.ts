// Starts the Temporal dev server (SQLite file under the data folder, Web UI) unless one already
// answers on the address, and stops only what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { vigilSearchAttributes } from '../workflows/shared/search-attributes.js';
import { resolveTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  uiPort?: number;
  onProgress?: (line: string) => void;
}

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  /** False when a server was already running: stop() then leaves it alone. */
  started: boolean;
  stop(): Promise<void>;
  /** Resolves when the server exits by itself. */
  exited: Promise<number | null>;
}

export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function ensureDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const address = `${host}:${port}`;
  const uiUrl = `http://localhost:${uiPort}`;
  const progress = options.onProgress ?? (() => undefined);
  if (await isListening(host, port)) {
    progress(`using the Temporal server already listening on ${address}`);
    return { address, uiUrl, started: false, stop: () => Promise.resolve(), exited: new Promise(() => undefined) };
  }
  const cli = await resolveTemporalCli({ onProgress: progress });
  await mkdir(options.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', join(options.dataDir, 'temporal.db'),
    '--log-level', 'error',
    ...vigilSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  progress(`starting Temporal dev server on ${address} (UI ${uiUrl})`);
  const child = spawn(cli.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!(await isListening(host, port))) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the Temporal dev server did not listen on ${address} within 60s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { address, uiUrl, started: true, stop: () => stopChild(child), exited };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
