// The Athena text of every monitoring query, executed on DuckDB through the Trino function macros
// (test/support/athena-twin/trino-functions.ts), answers exactly what the DuckDB text answers on the
// same rows. With the shape tests (athena-shape.test.ts) this pins what the Athena SQL means, not
// only how it reads; the AWS end-to-end test answers moto's Athena queries the same way.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { type MonitoringQueryInput } from '../../../src/domain/sql/query-input.js';
import type { Cell, Row } from '../../../src/domain/sql/row.js';
import { trinoFunctionMacros } from '../../support/athena-twin/trino-functions.js';
import { monitoringQueryBuilders } from '../../support/query-builders.js';
import { baselineRow, contractOf, createSources, eventTime, load, productionRow, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'demand',
  features: [
    { name: 'price', type: 'float', min: 0, max: 90 },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', categories: ['north', 'south'] },
    { name: 'promo', type: 'bool', default: false },
  ],
});
const tables = tablesOf('demand');

function inputFor(dialect: SqlDialect, sampleRate = 1): MonitoringQueryInput {
  return { contract, tables, window: testWindow, sampleRate, dialect };
}

const builders = monitoringQueryBuilders(new Map([['price', [20, 45.5, 70]], ['footfall', [3, 8]], ['prediction', [40]]]));

/** Deterministic pseudo-random numbers (LCG), so the data has ties, spread and malformed values. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function productionRows(): Row[] {
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

function labelRows(): Row[] {
  const next = numbers(5);
  return Array.from({ length: 1200 }, (_, i) => ({
    record_id: `r${i * 9}`,
    label: 25 + next() * 50,
    // Some labels arrive after asOf: performance must ignore them.
    label_time: new Date(Date.parse(eventTime(i * 9)) + (i % 10) * 2 * 86_400_000).toISOString(),
  }));
}

function baselineRows(): Row[] {
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

/** Rows in a canonical order with doubles rounded, so two engines' answers compare. */
function canonical(rows: Row[]): string[] {
  const cell = (value: Cell): string => (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(10)) : JSON.stringify(value));
  return rows.map((row) => Object.keys(row).sort().map((key) => `${key}=${cell(row[key] ?? null)}`).join(' ')).sort();
}

describe('Athena SQL executed on DuckDB through the Trino function macros', () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    for (const macro of trinoFunctionMacros) await warehouse.execute(macro);
    await createSources(warehouse, contract);
    await load(warehouse, tables.productionLog, productionRows());
    await load(warehouse, tables.labels, labelRows());
    await load(warehouse, tables.baseline, baselineRows());
  });
  after(async () => {
    await warehouse.close();
  });

  for (const sampleRate of [1, 0.4]) {
    for (const [name, build] of Object.entries(builders)) {
      it(`${name}${sampleRate < 1 ? ` sampled at ${sampleRate}` : ''}: the same answer as the DuckDB SQL`, async () => {
        const duck = await warehouse.query(build(inputFor(duckdbDialect, sampleRate)).sql);
        const athena = await warehouse.query(build(inputFor(athenaDialect, sampleRate)).sql);
        assert.ok(duck.rows.length > 0, `${name} returned no rows: the data does not exercise it`);
        assert.deepEqual(canonical(athena.rows), canonical(duck.rows));
      });
    }
  }
});
