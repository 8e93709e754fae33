// File writes that a reader never sees half done: the text goes to a temporary file beside the
// target, which is then renamed over it. Shared by the worker (state, artifact) and the training
// process (scored rows), hence the pid in the temporary name.
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let temporaryFiles = 0;

function temporaryPath(path: string): string {
  temporaryFiles += 1;
  return `${path}.${process.pid}.${temporaryFiles}.tmp`;
}

export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

/** Like writeAtomically, for text too large to hold as one string: `write` appends it in parts. */
export async function writeAtomicallyInParts(path: string, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  const handle = await open(temporary, 'w');
  try {
    await produce(async (text) => {
      await handle.write(text, null, 'utf8');
    });
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}

/** The file's text, or undefined when it does not exist. */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
