// The rows both Athena-answer tests (on DuckDB through the macros, and on a real Trino) run every
// monitoring query over: a production log with malformed text, NULLs and ties, labels arriving
// before and after asOf, and a baseline. Deterministic, so every run sees the same data.
import type { Cell, Row } from '../../src/domain/sql/row.js';
import { baselineRow, contractOf, eventTime, productionRow, tablesOf } from './warehouse-fixtures.js';
import { monitoringQueryBuilders } from './query-builders.js';

export const athenaFixtureContract = contractOf({
  model: 'demand',
  features: [
    { name: 'price', type: 'float', min: 0, max: 90 },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', categories: ['north', 'south'] },
    { name: 'promo', type: 'bool', default: false },
  ],
});
export const athenaFixtureTables = tablesOf('demand');

/** Every monitoring query, with the bin edges the bin counts use fixed. */
export const athenaFixtureBuilders = monitoringQueryBuilders(new Map([['price', [20, 45.5, 70]], ['footfall', [3, 8]], ['prediction', [40]]]));

/** Deterministic pseudo-random numbers (LCG), so the data has ties, spread and malformed values. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

export function productionRows(): Row[] {
  const next = numbers(11);
  const rows: Row[] = [];
  // Ten days of minutes from the window start reach past its end: the bounds matter.
  for (let i = 0; i < 1500; i += 1) {
    const price = (next() * 100).toFixed(i % 7 === 0 ? 0 : 2);
    const malformed = i % 97 === 0 ? 'abc' : i % 89 === 0 ? '-3' : price;
    const features: Record<string, Cell> = {
      price: malformed,
      footfall: i % 53 === 0 ? null : String(Math.floor(next() * 12)),
      region: i % 41 === 0 ? 'west' : next() < 0.6 ? 'north' : 'south',
      promo: i % 31 === 0 ? 'maybe' : next() < 0.3 ? 'yes' : 'no',
    };
    const row = productionRow(i * 9, features, i % 50 === 0 ? null : 30 + next() * 40);
    rows.push(row);
  }
  return rows;
}

export function labelRows(): Row[] {
  const next = numbers(5);
  return Array.from({ length: 1200 }, (_, i) => ({
    record_id: `r${i * 9}`,
    label: 25 + next() * 50,
    // Some labels arrive after asOf: performance must ignore them.
    label_time: new Date(Date.parse(eventTime(i * 9)) + (i % 10) * 2 * 86_400_000).toISOString(),
  }));
}

export function baselineRows(): Row[] {
  const next = numbers(3);
  return Array.from({ length: 800 }, (_, i) =>
    baselineRow(
      i,
      { price: (next() * 80).toFixed(1), footfall: String(Math.floor(next() * 10)), region: next() < 0.5 ? 'north' : 'south', promo: next() < 0.2 ? 'yes' : 'no' },
      35 + next() * 30,
      30 + next() * 40,
    ),
  );
}
