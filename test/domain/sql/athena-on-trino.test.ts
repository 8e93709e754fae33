// The Athena text of every monitoring query, executed by a real Trino (Athena's engine) over Parquet
// copies of the rows, answers what the DuckDB text answers on DuckDB: the look-alike of
// athena-on-duckdb.test.ts (DuckDB with Trino-named macros) checked against the engine itself.
//
// Quantiles: approx_percentile is Athena's on purpose (exactQuantiles is false; the twin's macro
// makes it exact). Its columns (quality's p5/p50/p95, the bin edges' q_i) must lie between DuckDB's
// exact quantiles at q - 0.05 and q + 0.05: loose on purpose, because on integer features Trino
// interpolates between adjacent values (5.23 where the exact median is 5) and only a band reaching
// the neighbouring values admits that. The distance query's quantiles are exact in both engines.
// Every other column must agree to 1e-9 (doubles) or exactly (counts, text, booleans).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { labelledDaysSql } from '../../../src/domain/sql/labelled-days.js';
import { modelVersionsSql } from '../../../src/domain/sql/model-versions.js';
import { type MonitoringQueryInput, type StagedSources } from '../../../src/domain/sql/query-input.js';
import { decodeStagedFingerprint, stagedFingerprintSql } from '../../../src/domain/sql/staged-fingerprint.js';
import { stagedBaselineSql, stagedLabelsSql, stagedWindowSql } from '../../../src/domain/sql/staging.js';
import { trainingRowsSql } from '../../../src/domain/sql/training-rows.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { assertAnswersAgree } from '../../support/answers-agree.js';
import { quantileBands } from '../../support/quantile-bands.js';
import { athenaFixtureBuilders, athenaFixtureContract, athenaFixtureTables, baselineRows, labelRows, productionRows } from '../../support/athena-fixture-rows.js';
import { trinoOrSkip } from '../../support/trino.js';
import { type TrinoClient } from '../../support/trino/client.js';
import { mirrorToTrino } from '../../support/trino/parquet-tables.js';
import { type QueryBuilder } from '../../support/query-builders.js';
import { asOf, createSources, eventTime, load, testWindow } from '../../support/warehouse-fixtures.js';

const contract = athenaFixtureContract;
const tables = athenaFixtureTables;

/** The monitoring queries, and the other SELECTs aws mode sends Athena over the same sources. */
const builders: Record<string, QueryBuilder> = {
  ...athenaFixtureBuilders,
  'model-versions': modelVersionsSql,
  'labelled-days': (input) => labelledDaysSql({ ...input, asOf }),
  'training-rows': (input) => trainingRowsSql({ contract: input.contract, tables: input.tables, window: input.window, asOf, dialect: input.dialect }),
  // The holdout's hash split: the same rows only if both engines hash record ids alike.
  'holdout-rows': (input) =>
    trainingRowsSql({ contract: input.contract, tables: input.tables, window: input.window, asOf, dialect: input.dialect, split: { holdoutWindow: input.window, share: 0.3, part: 'holdout' } }),
};

const minute = 60_000;
const windowFrom = (index: number, rows: number): MonitoringQueryInput['window'] => ({
  start: eventTime(index),
  end: new Date(Date.parse(eventTime(index)) + rows * 9 * minute).toISOString(),
});

/** The window and sample rate of each case; `rows` says whether every query must return some. */
const cases: { name: string; window: MonitoringQueryInput['window']; sampleRate: number; rows: boolean }[] = [
  { name: 'the week', window: testWindow, sampleRate: 1, rows: true },
  { name: 'the week sampled at 0.4', window: testWindow, sampleRate: 0.4, rows: false },
  { name: 'an empty window', window: { start: '2024-07-01T00:00:00Z', end: '2024-07-02T00:00:00Z' }, sampleRate: 1, rows: false },
  // Row r9 alone: a single value of every feature.
  { name: 'a one-row window', window: windowFrom(9, 1), sampleRate: 1, rows: false },
  // Row r0 alone: malformed price, NULL footfall, unknown region and promo, no logged prediction.
  { name: 'a window of one malformed row', window: windowFrom(0, 1), sampleRate: 1, rows: false },
];

/** Scorings of some rows logged without a prediction, with a tie on scored_at broken by model_version (NULL last). */
function scoredRows(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 1500; i += 100) {
    const base = { record_id: `r${i * 9}`, endpoint: 'demand-endpoint', model: 'demand' };
    rows.push({ ...base, prediction: 41 + i / 100, model_version: 'v1', scored_at: '2024-06-11T00:00:00.000Z' });
    rows.push({ ...base, prediction: 52 + i / 100, model_version: i % 200 === 0 ? null : 'v2', scored_at: '2024-06-12T00:00:00.000Z' });
    rows.push({ ...base, prediction: 63 + i / 100, model_version: 'v1', scored_at: '2024-06-12T00:00:00.000Z' });
  }
  rows.push({ record_id: 'r450', endpoint: 'other', model: 'other-model', prediction: 1, model_version: 'v1', scored_at: '2024-06-12T00:00:00.000Z' });
  return rows;
}

describe('Athena SQL executed by Trino', () => {
  let warehouse: DuckDbWarehouse;
  let trino: TrinoClient;
  let dir: string;
  const timings: string[] = [];

  before(async function () {
    trino = await trinoOrSkip(this);
    warehouse = await DuckDbWarehouse.open();
    dir = await mkdtemp(join(tmpdir(), 'vigil-athena-on-trino-'));
    await createSources(warehouse, contract);
    await load(warehouse, tables.productionLog, productionRows());
    await load(warehouse, tables.labels, labelRows());
    await load(warehouse, tables.baseline, baselineRows());
    await load(warehouse, tables.scoredPredictions, scoredRows());
    const names = [tables.productionLog, tables.labels, tables.baseline, tables.scoredPredictions];
    trino = await mirrorToTrino(warehouse, trino, names, { dir, catalog: 'hive', schema: 'vigil' });
  });
  after(async () => {
    if (timings.length > 0) console.error(`Trino wall time per query (the week, all rows):\n  ${timings.join('\n  ')}`);
    await warehouse?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  // The analysis's own path: the window, baseline and labels staged once (DuckDB: temporary tables;
  // Trino: Parquet tables made by the same SELECT that Athena UNLOADs), every statistic over them.
  for (const testCase of cases.filter((c) => c.name.startsWith('the week') || c.name === 'a window of one malformed row')) {
    it(`every monitoring query over rows staged from ${testCase.name}: the same answer as the DuckDB SQL over DuckDB's staging`, async function () {
      const input = (dialect: SqlDialect): MonitoringQueryInput => ({ contract, tables, window: testCase.window, sampleRate: testCase.sampleRate, dialect });
      const stagings = (dialect: SqlDialect): [keyof StagedSources, { sql: string }][] => [
        ['windowSource', stagedWindowSql(input(dialect), testCase.window)],
        ['baselineRows', stagedBaselineSql(input(dialect))],
        ['labelsAsOf', stagedLabelsSql(input(dialect), asOf)],
      ];
      const duckStaged: string[] = [];
      const trinoStaged: string[] = [];
      try {
        const stage = async (dialect: SqlDialect, make: (key: keyof StagedSources, sql: string) => Promise<string>): Promise<MonitoringQueryInput> => {
          const names: Record<string, string> = {};
          for (const [key, built] of stagings(dialect)) names[key] = await make(key, built.sql);
          const staged: StagedSources = { windowSource: names['windowSource'] ?? '', baselineRows: names['baselineRows'] ?? '', labelsAsOf: { asOf, table: names['labelsAsOf'] ?? '' } };
          return { ...input(dialect), staged };
        };
        const duckInput = await stage(duckdbDialect, async (_key, sql) => {
          const stage = warehouse.stage?.bind(warehouse);
          if (stage === undefined) throw new Error('DuckDB stages');
          const { table } = await stage(sql);
          duckStaged.push(table);
          return table;
        });
        const trinoInput = await stage(athenaDialect, async (key, sql) => {
          const table = `staged_${key.toLowerCase()}_${trinoStaged.length}_${Date.now()}`;
          await trino.query(`CREATE TABLE "${table}" WITH (format = 'PARQUET') AS ${sql}`);
          trinoStaged.push(table);
          return table;
        });
        for (const [name, build] of Object.entries({ ...athenaFixtureBuilders, 'model-versions': modelVersionsSql })) {
          const duck = (await warehouse.query(build(duckInput).sql)).rows;
          const athena = (await trino.query(build(trinoInput).sql)).rows;
          if (testCase.rows && duck.length === 0) throw new Error(`${name} returned no rows: the data does not exercise it`);
          assertAnswersAgree(athena, duck, await quantileBands(warehouse, (dialect) => build(input(dialect)).sql), `${name} (staged)`);
        }
        // The fingerprints a re-evaluation compares: the same counts on both engines, and the same
        // text each time Trino reads the same rows (the two engines' texts are not comparable).
        const fingerprintColumns = (dialect: SqlDialect) => ({ window: stagedWindowSql(input(dialect), testCase.window).columns, baseline: stagedBaselineSql(input(dialect)).columns });
        const duckPrint = decodeStagedFingerprint((await warehouse.query(stagedFingerprintSql(duckInput, fingerprintColumns(duckdbDialect)).sql)).rows);
        const trinoPrints = [];
        for (let read = 0; read < 2; read += 1) trinoPrints.push(decodeStagedFingerprint((await trino.query(stagedFingerprintSql(trinoInput, fingerprintColumns(athenaDialect)).sql)).rows));
        assert.deepEqual(trinoPrints[1], trinoPrints[0]);
        assert.equal(trinoPrints[0]?.windowRows, duckPrint.windowRows);
        assert.equal(trinoPrints[0]?.baselineRows, duckPrint.baselineRows);
        assert.ok(duckPrint.baseline !== '' && trinoPrints[0]?.baseline !== '', 'a baseline of rows has a fingerprint');
      } finally {
        for (const table of duckStaged) await warehouse.unstage?.(table);
        for (const table of trinoStaged) await trino.query(`DROP TABLE IF EXISTS "${table}"`);
      }
    });
  }

  for (const testCase of cases) {
    for (const [name, build] of Object.entries(builders)) {
      it(`${name} over ${testCase.name}: the same answer as the DuckDB SQL`, async function () {
        const input = (dialect: SqlDialect): MonitoringQueryInput => ({ contract, tables, window: testCase.window, sampleRate: testCase.sampleRate, dialect });
        const duck = (await warehouse.query(build(input(duckdbDialect)).sql)).rows;
        const started = Date.now();
        const athena = (await trino.query(build(input(athenaDialect)).sql)).rows;
        if (testCase.name === 'the week') timings.push(`${name}: ${Date.now() - started} ms`);
        if (testCase.rows && duck.length === 0) throw new Error(`${name} returned no rows: the data does not exercise it`);
        assertAnswersAgree(athena, duck, await quantileBands(warehouse, (dialect) => build(input(dialect)).sql), name);
      });
    }
  }
});
