// Writing the files onboarding produces without ever replacing a user's file by surprise.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Refuses an existing file unless `force`; creates the folder as needed. */
export async function writeNewFile(path: string, text: string, force: boolean): Promise<void> {
  if (!force && (await exists(path))) throw new Error(`${path} already exists (--force replaces it)`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
