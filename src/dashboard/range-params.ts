// The ?from=&to= of the dashboard's API: days (YYYY-MM-DD, inclusive) or ISO instants, compared
// with the windows' end instants as the result tables store them (ISO-8601 UTC text).
import type { WindowRange } from '../domain/dashboard/dashboard-sql.js';

export class RangeError400 extends Error {}

const day = /^\d{4}-\d{2}-\d{2}$/;

function instant(name: string, value: string, endOfDay: boolean): string {
  const text = day.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : value;
  const parsed = Date.parse(text);
  if (!Number.isFinite(parsed)) throw new RangeError400(`${name}: ${JSON.stringify(value)} is not a day (YYYY-MM-DD) or an ISO-8601 instant`);
  return new Date(parsed).toISOString();
}

export function rangeFrom(query: { from?: string | undefined; to?: string | undefined }): WindowRange {
  const range: WindowRange = {
    ...(query.from === undefined || query.from === '' ? {} : { from: instant('from', query.from, false) }),
    ...(query.to === undefined || query.to === '' ? {} : { to: instant('to', query.to, true) }),
  };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw new RangeError400(`from ${query.from ?? ''} is after to ${query.to ?? ''}`);
  return range;
}
