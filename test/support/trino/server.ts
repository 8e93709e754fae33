// Test infrastructure only: a Trino server (coordinator and worker in one JVM, small heap) on a free
// loopback port, with one catalog, `hive`: the Hive connector on a file metastore over the local
// file system, reading Parquet as Athena's tables do. Its config, data and metastore live in a
// scratch folder removed when it stops.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import { TrinoClient } from './client.js';
import { findTrinoJava } from './java.js';
import { resolveTrino, TRINO_VERSION, type TrinoInstallOptions } from './install.js';

export interface StartTrinoOptions extends TrinoInstallOptions {
  /** Default 1G: the tests' tables are small and the machine may be running other suites. */
  heap?: string;
  /** How long to wait until it can run queries; default 180 s (it takes 10-25 s on 2 cores). */
  readyTimeoutMs?: number;
}

export interface TrinoServer {
  endpoint: string;
  client: TrinoClient;
  /** Milliseconds from spawning the JVM until it can run queries. */
  startMs: number;
  /** Kills the JVM (its whole process group) and removes the scratch folder. */
  stop(): Promise<void>;
}

/** Thrown when the machine cannot run Trino at all (no Java 24+), so a suite can skip with the reason. */
export class TrinoUnavailableError extends Error {}

export async function startTrino(options: StartTrinoOptions = {}): Promise<TrinoServer> {
  const onProgress = options.onProgress ?? (() => undefined);
  const java = await findTrinoJava(options.env);
  if ('missing' in java) throw new TrinoUnavailableError(java.missing);
  const trino = await resolveTrino(options);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-trino-'));
  const configPath = await writeConfig(scratch, trino.home, port, queryMemory(options.heap ?? '1G'));
  const args = [
    `-Xmx${options.heap ?? '1G'}`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djdk.attach.allowAttachSelf=true',
    '--enable-native-access=ALL-UNNAMED',
    `-Dconfig=${configPath}`,
    `-Dnode.data-dir=${join(scratch, 'data')}`,
    `-Dlog.levels-file=${join(scratch, 'etc', 'log.properties')}`,
    '-cp',
    `${join(trino.home, 'lib')}/*`,
    'io.trino.server.TrinoServer',
  ];
  const started = Date.now();
  // Its own process group, so stop() reaches every process the JVM may fork.
  const child = spawn(java.path, args, { cwd: scratch, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-6000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const signal = (name: NodeJS.Signals): void => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // Already gone.
    }
  };
  const stop = async (): Promise<void> => {
    signal('SIGTERM');
    const killTimer = setTimeout(() => signal('SIGKILL'), 10_000);
    if (child.pid !== undefined && spawnError === undefined) await exited;
    clearTimeout(killTimer);
    await rm(scratch, { recursive: true, force: true });
  };
  const client = new TrinoClient(endpoint);
  try {
    await waitUntilAnswering(client, options.readyTimeoutMs ?? 180_000, () => spawnError ?? (child.exitCode !== null ? new Error(`exited with ${child.exitCode}`) : undefined));
  } catch (error) {
    await stop();
    throw new Error(`Trino ${TRINO_VERSION} (${trino.home}, Java ${java.major}) did not start on ${endpoint}: ${String(error)}\n${tail}`, { cause: error });
  }
  const startMs = Date.now() - started;
  onProgress(`Trino ${TRINO_VERSION} answering on ${endpoint} after ${(startMs / 1000).toFixed(1)}s (Java ${java.major}, heap ${options.heap ?? '1G'})`);
  return { endpoint, client, startMs, stop };
}

/** What one query may hold: 40% of the heap (Trino keeps about 30% as headroom), e.g. 400MB of 1G. */
function queryMemory(heap: string): string {
  const match = /^(\d+)([gGmM])$/.exec(heap);
  if (match === null) throw new Error(`heap: "${heap}" is not a size such as 1G or 512M`);
  const mb = Number(match[1]) * (/[gG]/.test(match[2] ?? '') ? 1000 : 1);
  return `${Math.floor(mb * 0.4)}MB`;
}

async function writeConfig(scratch: string, home: string, port: number, memory: string): Promise<string> {
  const etc = join(scratch, 'etc');
  await mkdir(join(etc, 'catalog'), { recursive: true });
  await mkdir(join(scratch, 'metastore'), { recursive: true });
  const properties = (entries: Record<string, string>): string => Object.entries(entries).map(([key, value]) => `${key}=${value}\n`).join('');
  const config = join(etc, 'config.properties');
  await writeFile(
    config,
    properties({
      'node.environment': 'vigil_test',
      'node.internal-address': '127.0.0.1',
      coordinator: 'true',
      'node-scheduler.include-coordinator': 'true',
      'http-server.http.port': String(port),
      'discovery.uri': `http://127.0.0.1:${port}`,
      'plugin.dir': join(home, 'plugin'),
      'catalog.config-dir': join(etc, 'catalog'),
      'query.max-memory': memory,
      'query.max-memory-per-node': memory,
    }),
  );
  await writeFile(join(etc, 'log.properties'), 'io.trino=WARN\n');
  await writeFile(
    join(etc, 'catalog', 'hive.properties'),
    properties({
      'connector.name': 'hive',
      'hive.metastore': 'file',
      'hive.metastore.catalog.dir': `local://${join(scratch, 'metastore')}`,
      'fs.native-local.enabled': 'true',
      'local.location': '/',
    }),
  );
  return config;
}

async function waitUntilAnswering(client: TrinoClient, timeoutMs: number, failure: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = failure();
    if (error !== undefined) throw error;
    try {
      // SELECT 1 answers as soon as the coordinator plans, but a table scan fails with
      // NO_NODES_AVAILABLE until the node has announced itself as a worker too.
      const { rows } = await client.query(`SELECT count(*) AS ready FROM system.runtime.nodes WHERE state = 'active'`);
      if (Number(rows[0]?.['ready'] ?? 0) > 0) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`not ready to run queries within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
