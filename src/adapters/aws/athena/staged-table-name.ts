// Names of the tables an analysis stages on Athena: lower case (Glue keeps names so), unique per
// staging, and recognisable, so that unstage drops nothing else and a sweep can tell a leftover's
// age from its name.
import { randomBytes } from 'node:crypto';

const pattern = /^vigil_staged_(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})_[0-9a-f]{12}$/;

/** `vigil_staged_<UTC yyyymmddThhmmss>_<12 hex digits>`. */
export function stagedTableName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();
  return `vigil_staged_${stamp}_${randomBytes(6).toString('hex')}`;
}

export function isStagedTableName(name: string): boolean {
  return pattern.test(name);
}

/** When a staged table of that name was made; undefined for any other name. */
export function stagedTableTime(name: string): Date | undefined {
  const parts = pattern.exec(name);
  if (parts === null) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}
