// A model as a processing input holds it: the model.tar.gz SageMaker made of the training job's
// /opt/ml/model (the candidate), or a model.json as registered (a champion). Either way the result
// is a folder holding model.json, as `vigil serve` reads it from /opt/ml/model.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { extract } from 'tar';
import { messageOf } from '../domain/errors.js';
import { artifactFileName } from './container-server.js';
import { JobInputError } from './job-failure.js';
import { pathExists } from '../adapters/shared/path-exists.js';

export interface ModelFolder {
  /** Holds model.json; undefined when the input holds no model. */
  dir: string | undefined;
  /** Removes what was extracted. */
  cleanup(): Promise<void>;
}

const nothing = (): Promise<void> => Promise.resolve();

async function namesIn(folder: string): Promise<string[] | undefined> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JobInputError(`cannot list ${folder}: ${messageOf(error)}`);
  }
}


/** Extracts only model.json (at the archive's top, as SageMaker tars the model folder) into a new temporary folder. */
async function extractModel(file: string, what: string): Promise<ModelFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-model-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const entries: string[] = [];
  try {
    await extract({
      file,
      cwd: dir,
      strict: true,
      filter: (path) => {
        entries.push(path);
        return posix.normalize(path) === artifactFileName;
      },
    });
  } catch (error) {
    await cleanup();
    throw new JobInputError(`${what} ${file} is not a readable model.tar.gz: ${messageOf(error)}`);
  }
  if (!(await pathExists(join(dir, artifactFileName)))) {
    await cleanup();
    const shown = entries.length === 0 ? 'nothing' : entries.slice(0, 10).join(', ');
    throw new JobInputError(`${what} ${file} holds no ${artifactFileName} at its top (it holds ${shown})`);
  }
  return { dir, cleanup };
}

/** The folder holding the input's model.json: the input itself, or its one .tar.gz extracted. */
export async function modelFolderOf(folder: string, what: string): Promise<ModelFolder> {
  const names = await namesIn(folder);
  if (names === undefined) return { dir: undefined, cleanup: nothing };
  if (names.includes(artifactFileName)) return { dir: folder, cleanup: nothing };
  const archives = names.filter((name) => name.endsWith('.tar.gz')).sort();
  if (archives.length > 1) throw new JobInputError(`${what} ${folder} holds ${archives.length} archives (${archives.join(', ')}): which is the model is unclear`);
  const [archive] = archives;
  return archive === undefined ? { dir: undefined, cleanup: nothing } : extractModel(join(folder, archive), what);
}
