// Test infrastructure only: Python tools from PyPI (moto's server, checkov, cfn-lint), each
// installed at a pinned version into its own virtualenv cached outside the repository and reused
// by later runs. An explicit path in an environment variable wins.
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findOnPath, isExecutable, vigilCacheDir } from '../../src/dev/go-tool.js';
import { runWithProgress } from '../../src/dev/run-command.js';

export interface PythonTool {
  /** The cache folder's name ("moto"). */
  name: string;
  version: string;
  /** What pip installs ("moto[server]==5.2.5"). */
  requirements: readonly string[];
  /** The script under the venv's bin/ that is the tool ("moto_server"). */
  executable: string;
  /** An environment variable that may name the executable instead. */
  pathVariable: string;
}

export interface PythonToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the virtualenvs live; default `$VIGIL_CACHE_DIR` or `~/.cache/vigil`. */
  cacheDir?: string;
  /** Receives one line per install step: a first install takes a minute or two. */
  onProgress?: (line: string) => void;
}

export interface ResolvedPythonTool {
  path: string;
  source: 'variable' | 'cache' | 'installed';
}

export function pythonToolDir(tool: PythonTool, cacheDir: string): string {
  return join(cacheDir, tool.name, tool.version);
}

/** The tool's executable: from its variable, the cached virtualenv, or a fresh install. */
export async function resolvePythonTool(tool: PythonTool, options: PythonToolOptions = {}): Promise<ResolvedPythonTool> {
  const env = options.env ?? process.env;
  const explicit = env[tool.pathVariable];
  if (explicit !== undefined && explicit !== '') {
    if (!(await isExecutable(explicit))) throw new Error(`${tool.pathVariable}=${explicit} is not an executable file`);
    return { path: explicit, source: 'variable' };
  }
  const cacheDir = options.cacheDir ?? vigilCacheDir(env);
  const executable = join(pythonToolDir(tool, cacheDir), 'bin', tool.executable);
  if (await isExecutable(executable)) return { path: executable, source: 'cache' };
  await install(tool, cacheDir, env, options.onProgress ?? (() => undefined));
  if (!(await isExecutable(executable))) throw new Error(`installing ${tool.name} produced no ${executable}`);
  return { path: executable, source: 'installed' };
}

async function install(tool: PythonTool, cacheDir: string, env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<void> {
  const python = (await findOnPath('python3', env)) ?? (await findOnPath('python', env));
  if (python === undefined) {
    throw new Error(`${tool.name} ${tool.version} is needed and Python 3 is not installed. Install python3 (with venv), or set ${tool.pathVariable}.`);
  }
  const finalDir = pythonToolDir(tool, cacheDir);
  const ready = (): Promise<boolean> => isExecutable(join(finalDir, 'bin', tool.executable));
  // Install into a scratch folder and rename, so an interrupted install never leaves a broken venv.
  const scratch = join(cacheDir, tool.name, `.install-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(join(cacheDir, tool.name), { recursive: true });
  onProgress(`installing ${tool.name} ${tool.version} with ${python} into ${finalDir} (first run only; takes a minute or two)`);
  const started = Date.now();
  const ticker = setInterval(() => onProgress(`  still installing ${tool.name}... ${Math.round((Date.now() - started) / 1000)}s`), 30_000);
  try {
    await runWithProgress(python, ['-m', 'venv', scratch], env, onProgress);
    await runWithProgress(join(scratch, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...tool.requirements], env, onProgress);
    await fixScriptPaths(scratch, finalDir);
  } finally {
    clearInterval(ticker);
  }
  // Another process may have finished the same install meanwhile: keep its copy.
  if (!(await ready())) {
    await rm(finalDir, { recursive: true, force: true });
    try {
      await rename(scratch, finalDir);
    } catch (error) {
      if (!(await ready())) throw error;
    }
  }
  await rm(scratch, { recursive: true, force: true });
  onProgress(`installed ${tool.name} in ${Math.round((Date.now() - started) / 1000)}s`);
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
