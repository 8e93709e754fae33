// Typed reading of warehouse rows: every decoder checks the shape it relies on and names the query,
// row and column when something is missing or of the wrong type, instead of passing on undefined.
import { type Cell, type Row } from './row.js';

export class RowDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowDecodeError';
  }
}

/** Where a cell came from, for error messages: "ks row 3". */
export interface CellSource {
  readonly label: string;
  readonly index: number;
}

function describe(value: Cell): string {
  return value === null ? 'null' : `${typeof value} ${JSON.stringify(value)}`;
}

function cell(row: Row, name: string, at: CellSource): Cell {
  if (!Object.hasOwn(row, name)) {
    const present = Object.keys(row).join(', ') || '(none)';
    throw new RowDecodeError(`${at.label} row ${at.index}: column "${name}" is missing (columns: ${present})`);
  }
  return row[name] ?? null;
}

function invalid(at: CellSource, name: string, expected: string, value: Cell): RowDecodeError {
  return new RowDecodeError(`${at.label} row ${at.index}: column "${name}" should be ${expected}, got ${describe(value)}`);
}

export function nullableNumber(row: Row, name: string, at: CellSource): number | null {
  const value = cell(row, name, at);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(at, name, 'a finite number or null', value);
  return value;
}

export function numberCell(row: Row, name: string, at: CellSource): number {
  const value = cell(row, name, at);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(at, name, 'a finite number', value);
  return value;
}

/** A count: a non-negative integer. */
export function countCell(row: Row, name: string, at: CellSource): number {
  const value = numberCell(row, name, at);
  if (!Number.isInteger(value) || value < 0) throw invalid(at, name, 'a non-negative integer', value);
  return value;
}

export function nullableText(row: Row, name: string, at: CellSource): string | null {
  const value = cell(row, name, at);
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(at, name, 'text or null', value);
  return value;
}

export function textCell(row: Row, name: string, at: CellSource): string {
  const value = cell(row, name, at);
  if (typeof value !== 'string') throw invalid(at, name, 'text', value);
  return value;
}

/** Maps every row through `decode` with its position, for the error messages. */
export function decodeRows<T>(rows: readonly Row[], label: string, decode: (row: Row, at: CellSource) => T): T[] {
  return rows.map((row, index) => decode(row, { label, index }));
}

/** For queries that return exactly one row. */
export function singleRow(rows: readonly Row[], label: string): Row {
  if (rows.length !== 1 || rows[0] === undefined) {
    throw new RowDecodeError(`${label}: expected exactly one row, got ${rows.length}`);
  }
  return rows[0];
}
