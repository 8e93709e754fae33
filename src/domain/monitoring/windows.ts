// Window arithmetic on UTC days: which window a daily run covers, which older windows it
// re-evaluates as labels arrive, and the days of a backfill.
import { dayMs } from '../time.js';
import type { TimeWindow } from './types.js';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export function parseDay(day: string, what = 'date'): number {
  if (!datePattern.test(day)) throw new RangeError(`${what} "${day}" is not a date (YYYY-MM-DD)`);
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`${what} "${day}" is not a valid date`);
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function startOfUtcDay(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`"${instant}" is not a timestamp`);
  return Math.floor(ms / dayMs) * dayMs;
}

/** The window of `days` whole UTC days ending at `endMs` (exclusive). */
export function windowEndingAt(endMs: number, days: number): TimeWindow {
  return { start: iso(endMs - days * dayMs), end: iso(endMs) };
}

/** The window a daily run covers: the `days` whole UTC days ending when `at`'s day begins. */
export function dailyWindow(at: string, days = 1): TimeWindow {
  return windowEndingAt(startOfUtcDay(at), days);
}

export interface WindowPlan {
  current: TimeWindow;
  /** Older windows to re-evaluate with the labels that arrived since, newest first. */
  relabel: TimeWindow[];
}

export function planWindows(at: string, windowDays: number, relabelDays: number): WindowPlan {
  const end = startOfUtcDay(at);
  const relabel: TimeWindow[] = [];
  for (let back = 1; back <= relabelDays; back += 1) relabel.push(windowEndingAt(end - back * dayMs, windowDays));
  return { current: windowEndingAt(end, windowDays), relabel };
}

/** One window per UTC day from `from` to `to`, both included. */
export function dayWindows(from: string, to: string, windowDays = 1): TimeWindow[] {
  const first = parseDay(from, 'from');
  const last = parseDay(to, 'to');
  if (last < first) throw new RangeError(`"to" (${to}) is before "from" (${from})`);
  const windows: TimeWindow[] = [];
  for (let day = first; day <= last; day += dayMs) windows.push(windowEndingAt(day + dayMs, windowDays));
  return windows;
}

/** "2026-11-26" for a one-day window, else "2026-11-20..2026-11-26" (inclusive days). */
export function windowLabel(window: TimeWindow): string {
  const start = window.start.slice(0, 10);
  const lastDay = iso(Date.parse(window.end) - 1).slice(0, 10);
  return start === lastDay ? start : `${start}..${lastDay}`;
}

/** The smallest window holding every one given (the facet window is longer than the window it ends with). */
export function coveringWindow(first: TimeWindow, ...others: TimeWindow[]): TimeWindow {
  return others.reduce(
    (covering, window) => ({
      start: Date.parse(window.start) < Date.parse(covering.start) ? window.start : covering.start,
      end: Date.parse(window.end) > Date.parse(covering.end) ? window.end : covering.end,
    }),
    first,
  );
}
