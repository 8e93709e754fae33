// Test infrastructure only: Trino's server distribution at a pinned version, fetched by Maven from
// Maven Central and unpacked into the cache outside the repository, reused by later runs. Only the
// Hive plugin is kept: the server loads every plugin it finds at start, and the tests need none of
// the other forty.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findOnPath, isExecutable, vigilCacheDir } from '../../../src/dev/go-tool.js';
import { runWithProgress } from '../../../src/dev/run-command.js';
import { pathExists } from '../../../src/adapters/shared/path-exists.js';

export const TRINO_VERSION = '476';
/** An unpacked distribution to use instead of the cached one (the folder holding bin/ and lib/). */
export const TRINO_HOME_VARIABLE = 'TRINO_HOME';

export interface TrinoInstallOptions {
  env?: NodeJS.ProcessEnv;
  /** Default `$VIGIL_CACHE_DIR` or `~/.cache/vigil`. */
  cacheDir?: string;
  onProgress?: (line: string) => void;
}

export interface ResolvedTrino {
  /** The folder holding bin/, lib/ and plugin/. */
  home: string;
  source: 'variable' | 'cache' | 'installed';
}

// ESC [ ... m: a terminal colour code.
const ansiColour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The one plugin the server is left with. */
const keptPlugin = 'hive';

export function trinoDir(cacheDir: string): string {
  return join(cacheDir, 'trino', TRINO_VERSION);
}

async function isDistribution(home: string): Promise<boolean> {
  return (await isExecutable(join(home, 'bin', 'launcher'))) && (await pathExists(join(home, 'plugin', 'hive')));
}


/** The distribution: from TRINO_HOME, the cache, or a fresh download (about 820 MB, once). */
export async function resolveTrino(options: TrinoInstallOptions = {}): Promise<ResolvedTrino> {
  const env = options.env ?? process.env;
  const explicit = env[TRINO_HOME_VARIABLE];
  if (explicit !== undefined && explicit !== '') {
    if (!(await isDistribution(explicit))) throw new Error(`${TRINO_HOME_VARIABLE}=${explicit} holds no Trino server (bin/launcher, plugin/hive)`);
    return { home: explicit, source: 'variable' };
  }
  const cacheDir = options.cacheDir ?? vigilCacheDir(env);
  const home = trinoDir(cacheDir);
  if (await isDistribution(home)) return { home, source: 'cache' };
  await install(cacheDir, env, options.onProgress ?? (() => undefined));
  if (!(await isDistribution(home))) throw new Error(`installing Trino ${TRINO_VERSION} produced no server in ${home}`);
  return { home, source: 'installed' };
}

async function install(cacheDir: string, env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<void> {
  const mvn = await findOnPath('mvn', env);
  if (mvn === undefined) {
    throw new Error(`Trino ${TRINO_VERSION} is needed and Maven (mvn) is not installed. Install Maven, or unpack io.trino:trino-server:${TRINO_VERSION}:tar.gz yourself and set ${TRINO_HOME_VARIABLE}.`);
  }
  const finalDir = trinoDir(cacheDir);
  // Unpacked into a scratch folder and renamed, so an interrupted install never leaves half a server.
  const scratch = join(cacheDir, 'trino', `.install-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const artifact = `io.trino:trino-server:${TRINO_VERSION}:tar.gz`;
  onProgress(`installing Trino ${TRINO_VERSION} into ${finalDir} (first run only: Maven downloads about 820 MB)`);
  const started = Date.now();
  // Maven's quiet mode still prints colour resets; only lines with text are progress.
  const report = (line: string): void => {
    const text = line.replace(ansiColour, '').trim();
    if (text !== '') onProgress(`  ${text}`);
  };
  const ticker = setInterval(() => onProgress(`  still installing Trino... ${Math.round((Date.now() - started) / 1000)}s`), 30_000);
  try {
    await runWithProgress(mvn, ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${scratch}`], env, report);
    const archive = join(scratch, `trino-server-${TRINO_VERSION}.tar.gz`);
    const { size } = await stat(archive);
    const downloaded = Date.now();
    onProgress(`  fetched ${(size / 1e6).toFixed(0)} MB in ${Math.round((downloaded - started) / 1000)}s; unpacking`);
    const unpacked = join(scratch, 'server');
    await mkdir(unpacked);
    // Every entry sits under trino-server-476/. The plugins share jars as hard links, so all of it
    // is unpacked and the plugins the tests do not load are removed after.
    await runWithProgress('tar', ['-xzf', archive, '-C', unpacked, '--strip-components=1'], env, report);
    const plugins = join(unpacked, 'plugin');
    for (const plugin of await readdir(plugins)) if (plugin !== keptPlugin) await rm(join(plugins, plugin), { recursive: true, force: true });
    onProgress(`  unpacked in ${Math.round((Date.now() - downloaded) / 1000)}s`);
    await rm(archive);
    // Another process may have finished the same install meanwhile: keep its copy.
    if (!(await isDistribution(finalDir))) {
      await rm(finalDir, { recursive: true, force: true });
      try {
        await rename(unpacked, finalDir);
      } catch (error) {
        if (!(await isDistribution(finalDir))) throw error;
      }
    }
  } finally {
    clearInterval(ticker);
    await rm(scratch, { recursive: true, force: true });
  }
  onProgress(`installed Trino ${TRINO_VERSION} in ${Math.round((Date.now() - started) / 1000)}s`);
}
