// CloudWatch names (alarms, dashboards) have a length limit and a character set. A name that had
// to be altered to fit keeps a short hash of the raw name, so distinct raw names stay distinct.
import { createHash } from 'node:crypto';

/** `raw` when `cleaned` (raw with refused characters replaced) equals it and fits; else cleaned, cut, and a hash of raw. */
export function fittedName(raw: string, cleaned: string, maxLength: number): string {
  if (cleaned === raw && raw.length <= maxLength) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  return `${cleaned.slice(0, maxLength - hash.length - 1)}-${hash}`;
}
