// Whether two engines' answers to one query agree: the same rows (matched by their text, boolean
// and integer cells), integers and text exactly, doubles to a relative 1e-9. Columns named in
// `bands` are approximate quantiles: they must lie within the given [low, high] answers instead.
import assert from 'node:assert/strict';
import type { Cell, Row } from '../../src/domain/sql/row.js';

export interface QuantileBands {
  /** The columns Athena computes with approx_percentile. */
  columns: ReadonlySet<string>;
  /** The exact answers at q - ε and at q + ε (the same rows otherwise, matched like the others). */
  low: readonly Row[];
  high: readonly Row[];
}

const relative = 1e-9;
// Sums that cancel to zero come out as ±1e-17 or so in either engine.
const absolute = 1e-12;

export function assertAnswersAgree(actual: readonly Row[], expected: readonly Row[], bands: QuantileBands | undefined, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} rows, expected ${expected.length}`);
  const skip = bands?.columns ?? new Set<string>();
  const order = (rows: readonly Row[]): number[] =>
    rows
      .map((row, index) => ({ index, key: sortKey(row, skip) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((entry) => entry.index);
  const actualOrder = order(actual);
  const expectedOrder = order(expected);
  const lowOrder = bands === undefined ? [] : order(bands.low);
  const highOrder = bands === undefined ? [] : order(bands.high);
  for (const [position, expectedIndex] of expectedOrder.entries()) {
    const got = actual[actualOrder[position] ?? -1] ?? {};
    const want = expected[expectedIndex] ?? {};
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${label}: columns differ`);
    for (const column of Object.keys(want)) {
      const at = `${label} row ${position} (${sortKey(want, skip)}) column ${column}`;
      if (bands !== undefined && skip.has(column)) {
        const low = bands.low[lowOrder[position] ?? -1]?.[column] ?? null;
        const high = bands.high[highOrder[position] ?? -1]?.[column] ?? null;
        assertWithin(got[column] ?? null, low, high, at);
      } else assertSame(got[column] ?? null, want[column] ?? null, at);
    }
  }
}

/** Text, booleans, NULLs and integers identify a row; doubles only break ties (rounded). */
function sortKey(row: Row, skip: ReadonlySet<string>): string {
  const exact: string[] = [];
  const rounded: string[] = [];
  for (const column of Object.keys(row).sort()) {
    if (skip.has(column)) continue;
    const value = row[column] ?? null;
    if (typeof value === 'number' && !Number.isInteger(value)) rounded.push(`${column}=${value.toPrecision(6)}`);
    else exact.push(`${column}=${JSON.stringify(value)}`);
  }
  return [...exact, ...rounded].join(' ');
}

function assertSame(got: Cell, want: Cell, at: string): void {
  if (typeof want === 'number' && typeof got === 'number' && !Number.isInteger(want)) {
    const error = Math.abs(got - want);
    assert.ok(error <= Math.max(absolute, relative * Math.abs(want)), `${at}: got ${got}, expected ${want} (error ${error.toExponential(2)})`);
    return;
  }
  if (typeof want === 'number' && Number.isNaN(want)) assert.ok(typeof got === 'number' && Number.isNaN(got), `${at}: got ${String(got)}, expected NaN`);
  else assert.equal(got, want, `${at}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

function assertWithin(got: Cell, low: Cell, high: Cell, at: string): void {
  if (low === null || high === null) {
    assert.equal(got, null, `${at}: got ${String(got)}, expected NULL (no values)`);
    return;
  }
  assert.ok(typeof got === 'number' && typeof low === 'number' && typeof high === 'number', `${at}: got ${String(got)}, expected a number`);
  const slack = absolute + relative * Math.max(Math.abs(low), Math.abs(high));
  assert.ok(got >= low - slack && got <= high + slack, `${at}: approximate quantile ${got} is outside the exact quantiles' band [${low}, ${high}]`);
}
