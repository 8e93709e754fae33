// DuckDB reads numbers from columns that already hold them (DOUBLE, BIGINT) without the trip through
// text; the contract must decide exactly as it does on the same values written as text: the same
// values, missing and type-error flags, validity and quarantine reasons, for every awkward value.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { quarantineSql } from '../../../../src/domain/sql/monitoring-queries.js';
import { stagedWindowSql } from '../../../../src/domain/sql/staging.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import { type ColumnKind, contractOf, createSources, eventTime, inputOf, tablesOf, testWindow } from '../../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'numbers',
  features: [
    { name: 'x', type: 'float' },
    { name: 'n', type: 'int', default: 0 },
    { name: 'y', type: 'float', default: 2.5 },
  ],
});
const tables = tablesOf('numbers');

// SQL literals of DOUBLE values: every value whose text a careless reader would mistake.
const doubles = [
  '1.5', '-0.0', '1e300', '-1e-300', "'nan'::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE", 'NULL', '3', '3.5', '0.1',
  '123456789.123456789', '9007199254740993', '-7', '2.5e-7', '1e22',
];

/** The production log holds `doubles` in x, n and y (rotated), as `kind` columns: text is DuckDB's own rendering. */
async function loadLog(warehouse: DuckDbWarehouse, kind: ColumnKind): Promise<void> {
  await createSources(warehouse, contract, () => kind);
  const cell = (literal: string): string => (kind === 'VARCHAR' ? `CAST(CAST(${literal} AS DOUBLE) AS VARCHAR)` : `CAST(${literal} AS ${kind})`);
  const at = (index: number): string => doubles[index % doubles.length] ?? 'NULL';
  const rows = doubles.map(
    (_, i) => `('r${i}', '${eventTime(i)}', ${cell(at(i))}, ${kind === 'DOUBLE' || kind === 'VARCHAR' ? cell(at(i + 3)) : 'NULL'}, ${cell(at(i + 7))}, 1.0, 'v1')`,
  );
  await warehouse.execute(`INSERT INTO "${tables.productionLog}" VALUES ${rows.join(', ')}`);
}

async function windowRows(warehouse: DuckDbWarehouse): Promise<Row[]> {
  const input = inputOf(contract, { window: testWindow });
  const staged = stagedWindowSql(input, testWindow);
  return (await warehouse.query(`SELECT * FROM (${staged.sql}) ORDER BY record_id`)).rows;
}

async function reasons(warehouse: DuckDbWarehouse): Promise<Row[]> {
  const statements = quarantineSql(inputOf(contract, { window: testWindow }), { quarantinedAt: '2024-06-20T00:00:00Z' });
  return (await warehouse.query(`SELECT record_id, reason FROM (${statements.select.sql}) ORDER BY record_id`)).rows;
}

describe('numbers read from numeric columns (DuckDB)', () => {
  let warehouse: DuckDbWarehouse;
  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open();
  });
  afterEach(async () => {
    await warehouse.close();
  });

  it('decide as the same values written as text: values, flags, validity and quarantine reasons', async () => {
    await loadLog(warehouse, 'VARCHAR');
    const fromText = await windowRows(warehouse);
    const textReasons = await reasons(warehouse);
    await loadLog(warehouse, 'DOUBLE');
    const fromNumbers = await windowRows(warehouse);
    assert.equal(fromNumbers.length, doubles.length);
    const decided = (rows: Row[]) =>
      rows.map((row) => [row['record_id'], row['is_valid'], ...['x', 'n', 'y'].flatMap((f) => [row[`m_${f}`], row[`e_${f}`], row[`f_${f}`]])]);
    assert.deepEqual(decided(fromNumbers), decided(fromText));
    // Non-finite values are type errors, a missing x quarantines its row; the text of an invalid row is kept.
    assert.ok(fromNumbers.some((row) => row['e_x'] === true) && fromNumbers.some((row) => row['m_x'] === true));
    const nanRow = fromNumbers.find((row) => row['record_id'] === 'r4');
    assert.equal(nanRow?.['r_x'], 'nan');
    assert.deepEqual(await reasons(warehouse), textReasons);
    assert.ok(textReasons.length > 0);
  });

  it('read integers from BIGINT columns as ints', async () => {
    await createSources(warehouse, contract, (name) => (name === 'n' ? 'BIGINT' : 'DOUBLE'));
    await warehouse.execute(
      `INSERT INTO "${tables.productionLog}" VALUES ('r1', '${eventTime(1)}', 1.0, 42, NULL, 1.0, 'v1'), ('r2', '${eventTime(2)}', 2.0, NULL, 3.0, 1.0, 'v1')`,
    );
    const rows = await windowRows(warehouse);
    assert.deepEqual(
      rows.map((row) => [row['f_n'], row['m_n'], row['e_n'], row['f_y'], row['is_valid']]),
      [
        [42, false, false, 2.5, true],
        [0, true, false, 3, true],
      ],
    );
  });
});
