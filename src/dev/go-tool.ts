// Provides a command-line tool built from its Go module at a pinned version, cached outside the
// repository so later runs on the same machine reuse it. An explicit path or a copy on PATH wins.
import { access, constants, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runWithProgress } from './run-command.js';

export interface GoTool {
  /** Name used in messages and as the cache folder ("temporal-cli"). */
  name: string;
  /** Go package to install, without version. */
  goPackage: string;
  version: string;
  /** Executable names to look for on PATH, in order. */
  pathNames: string[];
  /** Environment variable holding an explicit path, which wins over everything. */
  pathVariable: string;
  /** What to tell a user who has no Go. */
  installHint: string;
}

export type ToolSource = 'variable' | 'PATH' | 'cache' | 'built';

export interface ResolvedTool {
  path: string;
  source: ToolSource;
}

export interface ResolveToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Where cached builds live; default `$VIGIL_CACHE_DIR` or `~/.cache/vigil`. */
  cacheDir?: string;
  /** Receives one line per build step: a first build takes minutes. */
  onProgress?: (line: string) => void;
}

export function vigilCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vigil');
}

export function cachedToolDir(tool: GoTool, cacheDir: string): string {
  return join(cacheDir, tool.name, tool.version);
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function cachedBinary(dir: string): Promise<string | undefined> {
  try {
    const [entry] = await readdir(dir);
    return entry === undefined ? undefined : join(dir, entry);
  } catch {
    return undefined;
  }
}

export async function resolveGoTool(tool: GoTool, options: ResolveToolOptions = {}): Promise<ResolvedTool> {
  const env = options.env ?? process.env;
  const explicit = env[tool.pathVariable];
  if (explicit !== undefined && explicit !== '') {
    if (!(await isExecutable(explicit))) throw new Error(`${tool.pathVariable}=${explicit} is not an executable file`);
    return { path: explicit, source: 'variable' };
  }
  for (const name of tool.pathNames) {
    const onPath = await findOnPath(name, env);
    if (onPath !== undefined) return { path: onPath, source: 'PATH' };
  }
  const cacheDir = options.cacheDir ?? vigilCacheDir(env);
  const dir = cachedToolDir(tool, cacheDir);
  const cached = await cachedBinary(dir);
  if (cached !== undefined && (await isExecutable(cached))) return { path: cached, source: 'cache' };
  await build(tool, cacheDir, env, options.onProgress ?? (() => undefined));
  const built = await cachedBinary(dir);
  if (built === undefined) throw new Error(`building ${tool.name} produced no executable in ${dir}`);
  return { path: built, source: 'built' };
}

async function build(tool: GoTool, cacheDir: string, env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<void> {
  const go = await findOnPath('go', env);
  if (go === undefined) {
    throw new Error(`${tool.name} ${tool.version} is needed and Go is not installed to build it. ${tool.installHint}`);
  }
  const finalDir = cachedToolDir(tool, cacheDir);
  // Build into a scratch folder and rename, so an interrupted build never leaves a broken binary.
  const scratch = join(cacheDir, tool.name, `.build-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  onProgress(`building ${tool.name} ${tool.version} with ${go} into ${finalDir} (first run only; takes a few minutes)`);
  const started = Date.now();
  const ticker = setInterval(() => onProgress(`  still building ${tool.name}... ${Math.round((Date.now() - started) / 1000)}s`), 30_000);
  try {
    await runWithProgress(go, ['install', `${tool.goPackage}@${tool.version}`], { ...env, GOBIN: scratch, CGO_ENABLED: '0' }, onProgress);
  } finally {
    clearInterval(ticker);
  }
  // Another process may have finished the same build meanwhile: keep its copy.
  if ((await cachedBinary(finalDir)) === undefined) {
    await rm(finalDir, { recursive: true, force: true });
    try {
      await rename(scratch, finalDir);
    } catch (error) {
      if ((await cachedBinary(finalDir)) === undefined) throw error;
    }
  }
  await rm(scratch, { recursive: true, force: true });
  onProgress(`built ${tool.name} in ${Math.round((Date.now() - started) / 1000)}s`);
}

