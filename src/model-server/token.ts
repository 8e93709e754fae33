// The model server's admin token: 32 random bytes (hex) in <stateDir>/admin-token, mode 0600.
// Whoever can read the data dir may administer its model server; the port alone is not enough.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const tokenPattern = /^[0-9a-f]{64}$/;

/** Where a data dir's model server keeps its state (endpoint table, admin token). */
export function modelServerStateDir(dataDir: string): string {
  return join(dataDir, 'model-server');
}

export function adminTokenFile(stateDir: string): string {
  return join(stateDir, 'admin-token');
}

/** Reads the token of a state dir; fails with the path when it is missing or malformed. */
export async function readAdminToken(stateDir: string): Promise<string> {
  const file = adminTokenFile(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`model server admin token "${file}" ${code === 'ENOENT' ? 'does not exist (no model server has run for this data dir)' : `cannot be read (${code ?? String(error)})`}`, { cause: error });
  }
  const token = text.trim();
  if (!tokenPattern.test(token)) throw new Error(`model server admin token "${file}" is not 64 hex digits`);
  return token;
}

/** Returns the state dir's token, creating it first when absent. */
export async function ensureAdminToken(stateDir: string): Promise<string> {
  const file = adminTokenFile(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails when the file exists, so two servers starting at once agree on one token and
    // nobody ever reads a half-written file.
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  return readAdminToken(stateDir);
}
