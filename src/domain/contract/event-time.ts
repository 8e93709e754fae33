// Event times as the SQL places a row in a window: ISO-8601 text with a zone offset, or zone-less
// text read as UTC (the warehouse session's zone). DuckDB's parser also takes looser forms (one-digit
// fields, "24:00:00", offsets past ±23:59, a zone name, "epoch", leading tabs or newlines); those are
// refused here, where a stream can ask its sender to fix them, rather than guessed at. Spaces
// around the text are ignored, as DuckDB does.

import { trimmedText } from './record-text.js';

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d*))?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
/** Longer text cannot be an ISO instant; checking the length first keeps the pattern off huge strings. */
const longestIso = 64;

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (monthDays[month - 1] ?? 0);
}

/** Minutes east of UTC of "Z", "+02", "+0200" or "+02:00"; undefined when out of range. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The instant of an event-time text as ISO-8601 UTC with milliseconds (sub-millisecond digits are
 * dropped, as the warehouse returns timestamps), or null when it is not such a time.
 */
export function eventTimeIso(text: string): string | null {
  const trimmed = trimmedText(text);
  if (trimmed === null || trimmed.length > longestIso) return null;
  const match = isoPattern.exec(trimmed);
  if (match === null) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const offset = offsetMinutes(zone);
  if (offset === undefined || year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  return date.toISOString();
}
