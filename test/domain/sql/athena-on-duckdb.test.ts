// The Athena text of every monitoring query, executed on DuckDB through the Trino function macros
// (test/support/athena-twin/trino-functions.ts), answers exactly what the DuckDB text answers on the
// same rows. With the shape tests (athena-shape.test.ts) this pins what the Athena SQL means, not
// only how it reads; the AWS end-to-end test answers moto's Athena queries the same way.
// athena-on-trino.test.ts runs the same text on Trino itself.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { type MonitoringQueryInput } from '../../../src/domain/sql/query-input.js';
import type { Cell, Row } from '../../../src/domain/sql/row.js';
import { athenaFixtureBuilders, athenaFixtureContract, athenaFixtureTables, baselineRows, labelRows, productionRows } from '../../support/athena-fixture-rows.js';
import { trinoFunctionMacros } from '../../support/athena-twin/trino-functions.js';
import { createSources, load, testWindow } from '../../support/warehouse-fixtures.js';

const contract = athenaFixtureContract;
const tables = athenaFixtureTables;
const builders = athenaFixtureBuilders;

function inputFor(dialect: SqlDialect, sampleRate = 1): MonitoringQueryInput {
  return { contract, tables, window: testWindow, sampleRate, dialect };
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
