// Writing the files onboarding produces without ever replacing a user's file by surprise.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathExists } from '../../adapters/shared/path-exists.js';

/** Refuses an existing file unless `force`; creates the folder as needed. */
export async function writeNewFile(path: string, text: string, force: boolean): Promise<void> {
  if (!force && (await pathExists(path))) throw new Error(`${path} already exists (--force replaces it)`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
