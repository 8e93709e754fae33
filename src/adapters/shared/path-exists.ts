// Whether a file or folder is there, for the places that only need to know (not why it is not).
import { access } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
