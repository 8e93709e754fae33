// Reads a model artifact for the model server, refusing anything but a bounded regular file inside
// the artifacts folder. The admin API names the path, so each rule is checked before any byte is
// read, errors name the path and the rule (never the content), and nothing can block: a FIFO is
// refused by stat, a FIFO swapped in afterwards opens non-blocking and is refused by fstat, and
// the read itself has a deadline.
import { constants, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { HttpError } from './http.js';

export interface ArtifactFileRules {
  /** The artifacts folder; the artifact's real path must lie inside its real path. */
  root: string;
  maxBytes: number;
  timeoutMs: number;
}

export const defaultMaxArtifactBytes = 16 * 1024 * 1024;
export const defaultArtifactReadTimeoutMs = 5_000;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function refuse(path: string, rule: string): HttpError {
  return new HttpError(400, `artifact "${path}" ${rule}`);
}

/** Names the errno code only: messages from fs carry nothing useful beyond it. */
function unreadable(path: string, error: unknown): HttpError {
  const code = (error as NodeJS.ErrnoException).code;
  return new HttpError(400, `cannot read artifact "${path}": ${code === 'ENOENT' ? 'file not found' : (code ?? 'unreadable')}`);
}

async function realRoot(root: string, path: string): Promise<string> {
  try {
    return await realpath(root);
  } catch {
    throw refuse(path, `cannot be loaded: the artifacts folder "${root}" does not exist`);
  }
}

async function deadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => HttpError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function readBounded(path: string, realPath: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(realPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(path, 'is not a regular file');
    if (info.size > maxBytes) throw refuse(path, `is ${info.size} bytes, over the limit of ${maxBytes} bytes`);
    // Read one byte past the limit so a file that grew since fstat is still caught.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw refuse(path, `is over the limit of ${maxBytes} bytes`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** The artifact's text; HttpError 400s name the path and the broken rule. */
export async function readArtifactFile(path: string, rules: ArtifactFileRules): Promise<string> {
  const root = await realRoot(rules.root, path);
  const requested = resolve(path);
  // Checked lexically first, so a path outside the folder reveals nothing, not even whether it exists.
  if (!inside(resolve(rules.root), requested) && !inside(root, requested)) throw refuse(path, `is outside the artifacts folder "${rules.root}"`);
  let realPath: string;
  let info: Stats;
  try {
    realPath = await realpath(requested);
    info = await stat(realPath);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (!inside(root, realPath)) throw refuse(path, `resolves outside the artifacts folder "${rules.root}"`);
  if (!info.isFile()) throw refuse(path, 'is not a regular file');
  if (info.size > rules.maxBytes) throw refuse(path, `is ${info.size} bytes, over the limit of ${rules.maxBytes} bytes`);
  // ELOOP from open means the last component became a symlink after realpath (O_NOFOLLOW).
  const work = readBounded(path, realPath, rules.maxBytes).catch((error: unknown) => {
    throw error instanceof HttpError ? error : unreadable(path, error);
  });
  const content = await deadline(work, rules.timeoutMs, () => refuse(path, `could not be read within ${rules.timeoutMs} ms`));
  return content.toString('utf8');
}
