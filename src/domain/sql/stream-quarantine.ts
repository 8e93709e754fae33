// The stream path's quarantine (records refused before they reached the production log, see
// src/domain/stream/) as the window's monitoring sees it: its entries whose event time falls in
// the window count as rows of the window that broke the contract, and join the window's quarantine
// with the reason the stream gave them. Entries without a usable event time belong to no window.
import type { CheckedInput } from './query-input.js';

/** Columns the stream quarantine source must have (what the stream log writes). */
export const streamQuarantineColumns = ['sequence', 'record_id', 'event_time', 'reason', 'raw_record'] as const;

/** FROM ... WHERE of the stream quarantine's entries in the window; undefined when there is none. */
export function streamQuarantineInWindow(input: CheckedInput): string | undefined {
  const table = input.tables.streamQuarantine;
  if (table === undefined) return undefined;
  const d = input.dialect;
  return `FROM ${d.table(table)} WHERE ${d.timeWithin(d.ident('event_time'), input.window.start, input.window.end)}`;
}
