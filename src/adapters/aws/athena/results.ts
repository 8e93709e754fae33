// Pure pieces of the Athena warehouse: turning GetQueryResults pages into port rows, and deciding
// whether a FAILED query is worth retrying. Kept apart from the client so they read (and test) alone.
import type { AthenaError, ColumnInfo, Row as AthenaRow } from '@aws-sdk/client-athena';
import { NonRetryableError, RetryableError } from '../../../domain/errors.js';
import type { Cell, Row } from '../../../domain/sql/row.js';

const numericTypes = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'double', 'float', 'real', 'decimal']);

/** Athena text of a cell, as the port's Cell, by the column's Athena type ("decimal(10,2)" is a decimal). */
export function decodeAthenaCell(text: string | undefined, type: string | undefined, where: string): Cell {
  // Athena omits VarCharValue for SQL NULL.
  if (text === undefined) return null;
  const base = (type ?? 'varchar').toLowerCase().replace(/\(.*$/, '').trim();
  if (numericTypes.has(base)) {
    // Athena prints non-finite doubles as NaN / Infinity / -Infinity, which Number() reads as such.
    const value = Number(text);
    if (Number.isNaN(value) && text !== 'NaN') {
      throw new NonRetryableError(`${where}: ${base} cell ${JSON.stringify(text)} is not a number`, 'INVALID_RESULT');
    }
    return value;
  }
  if (base === 'boolean') {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new NonRetryableError(`${where}: boolean cell ${JSON.stringify(text)} is neither true nor false`, 'INVALID_RESULT');
  }
  // varchar, char, date, timestamp, json, and composite types stay as Athena's text.
  return text;
}

/** Whether an Athena row is the header row Athena puts first in a SELECT's results. */
export function isHeaderRow(row: AthenaRow | undefined, columns: readonly ColumnInfo[]): boolean {
  const data = row?.Data ?? [];
  return columns.length > 0 && data.length === columns.length && columns.every((column, i) => data[i]?.VarCharValue === column.Name);
}

/** Decodes Athena rows against column metadata; `firstIndex` numbers rows in error messages. */
export function decodeAthenaRows(rows: readonly AthenaRow[], columns: readonly ColumnInfo[], label: string, firstIndex = 0): Row[] {
  const names = columns.map((column, i) => column.Name ?? `_col${i}`);
  return rows.map((row, r) => {
    const data = row.Data ?? [];
    const decoded: Row = {};
    names.forEach((name, i) => {
      decoded[name] = decodeAthenaCell(data[i]?.VarCharValue, columns[i]?.Type, `${label} row ${firstIndex + r} column "${name}"`);
    });
    return decoded;
  });
}

// Reasons Athena gives for failures that pass with time (account/partition throttling, S3 slowdowns,
// engine faults); everything else is a problem with the query or its data.
const transientReason = /throttl|slow ?down|rate exceeded|too many requests|internal (server |service )?error|service unavailable/i;
const missingReason = /TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|does not exist/i;

/**
 * The error for a query Athena ended as FAILED or CANCELLED. Athena's own Retryable flag wins when
 * present; otherwise the reason text decides.
 */
export function queryFailureError(
  label: string,
  queryId: string,
  state: string,
  reason: string | undefined,
  athenaError?: AthenaError,
): RetryableError | NonRetryableError {
  const text = reason ?? athenaError?.ErrorMessage ?? 'no reason given';
  const message = `Athena query ${label} (${queryId}) ${state}: ${text}`;
  if (state === 'CANCELLED') return new NonRetryableError(message, 'QUERY_CANCELLED');
  if (athenaError?.Retryable === true || transientReason.test(text)) return new RetryableError(message, 'QUERY_TRANSIENT');
  if (missingReason.test(text)) return new NonRetryableError(message, 'NOT_FOUND');
  return new NonRetryableError(message, 'QUERY_FAILED');
}
