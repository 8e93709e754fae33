// Durations as the config writes them ("30s", "5m", "2h", "1d"): one pattern for the schema that
// accepts them and the conversion that reads them.
import { z } from 'zod';
import { dayMs, hourMs, minuteMs, secondMs } from '../domain/time.js';

const unitMs = { ms: 1, s: secondMs, m: minuteMs, h: hourMs, d: dayMs } as const;
const pattern = /^(\d+)(ms|s|m|h|d)$/;

export const durationSchema = z.string().regex(pattern, 'must be a duration such as 30s, 5m, 2h or 1d');

export function durationMs(text: string): number {
  const match = pattern.exec(text);
  if (match === null) throw new RangeError(`"${text}" is not a duration`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
