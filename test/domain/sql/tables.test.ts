import assert from 'node:assert/strict';
import { athenaDialect, duckdbDialect } from '../../../src/domain/sql/dialect.js';
import { createResultTablesSql, createTableSql, resultTableNames, resultTables } from '../../../src/domain/sql/tables.js';

const location = 's3://vigil-results/warehouse/';

/** Column names in the order a DDL statement declares them (data columns, then partitions). */
function declaredColumns(ddl: string): string[] {
  return [...ddl.matchAll(/^ {2}[`"](\w+)[`"] (\w+)/gm)].map((match) => match[1] ?? '');
}

function declaredTypes(ddl: string): string[] {
  return [...ddl.matchAll(/^ {2}[`"](\w+)[`"] (\w+)/gm)].map((match) => (match[2] ?? '').toLowerCase());
}

describe('result tables', () => {
  for (const table of resultTableNames) {
    it(`${table}: the same columns, in the same order and of the same types, in both engines`, () => {
      const spec = resultTables[table];
      const names = spec.columns.map((c) => c.name);
      assert.deepEqual(names.slice(names.length - spec.partitionKeys.length), [...spec.partitionKeys], 'partition keys come last');
      const duck = createTableSql(duckdbDialect, table);
      const athena = createTableSql(athenaDialect, table, { location, database: 'vigil' });
      assert.deepEqual(declaredColumns(duck), names);
      assert.deepEqual(declaredColumns(athena), names);
      const sameType: Record<string, string> = { varchar: 'string', double: 'double', bigint: 'bigint', boolean: 'boolean' };
      assert.deepEqual(
        declaredTypes(duck).map((t) => sameType[t]),
        declaredTypes(athena),
      );
    });
  }

  it('DuckDB: plain tables with NOT NULL where a value is required', () => {
    const ddl = createTableSql(duckdbDialect, 'monitoring_metrics');
    assert.match(ddl, /^CREATE TABLE IF NOT EXISTS "monitoring_metrics" \(/);
    assert.match(ddl, /"value" DOUBLE,/);
    assert.match(ddl, /"breached" BOOLEAN NOT NULL,/);
    assert.doesNotMatch(ddl, /PARTITIONED|LOCATION/);
  });

  it('Athena: external Parquet tables under the location, partitioned by model and window', () => {
    const ddl = createTableSql(athenaDialect, 'monitoring_metrics', { location, database: 'vigil' });
    assert.match(ddl, /^CREATE EXTERNAL TABLE IF NOT EXISTS `vigil`\.`monitoring_metrics` \(/);
    assert.match(ddl, /\)\nPARTITIONED BY \(\n {2}`model` string,\n {2}`window_start` string\n\)\nSTORED AS PARQUET\n/);
    assert.match(ddl, /LOCATION 's3:\/\/vigil-results\/warehouse\/monitoring_metrics\/'/);
    assert.doesNotMatch(ddl, /NOT NULL/);
    const audit = createTableSql(athenaDialect, 'audit_events', { location });
    assert.doesNotMatch(audit, /PARTITIONED/);
    assert.throws(() => createTableSql(athenaDialect, 'quarantine'), /needs an s3:\/\/ location/);
  });

  it('creates every result table', () => {
    assert.equal(createResultTablesSql(duckdbDialect).length, resultTableNames.length);
    assert.equal(createResultTablesSql(athenaDialect, { location }).length, resultTableNames.length);
  });
});
