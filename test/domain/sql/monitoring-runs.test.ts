// The recent-runs query of the drift trigger in both dialects, run on DuckDB over monitoring_runs
// rows whose summaries the record step's own encoder wrote, and the decoder's errors for summaries
// that are missing, not JSON or off the schema.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { encodeRunSummary, runSummary } from '../../../src/domain/monitoring/run-summary.js';
import type { Breach } from '../../../src/domain/monitoring/types.js';
import { RowDecodeError } from '../../../src/domain/sql/decode.js';
import { athenaDialect, duckdbDialect } from '../../../src/domain/sql/dialect.js';
import { decodeRecentRuns, recentRunsSql } from '../../../src/domain/sql/monitoring-runs.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { SqlBuildError } from '../../../src/domain/sql/sql-text.js';

const drift: Breach = { kind: 'drift', group: 'feature', subject: 'price', metric: 'psi', value: 0.4, threshold: 0.2, excess: 0.2 };
const prepared = { rows: 10, quarantined: 0, missingPredictions: 0, modelVersions: ['v1'] };
const analysis = {
  analysedRows: 10,
  labelledRows: 5,
  labelCoverage: 0.5,
  breaches: [drift, { ...drift, subject: 'footfall' }],
  driftedFeatures: ['price', 'footfall'],
  predictionDrifted: false,
  dataQualityIncident: false,
  headline: { rmse: Number.NaN, mae: 1.5, meanPrediction: 40 },
  queryIds: [],
};

function runRow(model: string, day: string, status: 'ok' | 'no_data', summary: string | null): Row {
  const end = `2024-06-${day}T00:00:00.000Z`;
  return {
    model,
    window_start: `2024-05-${day}T00:00:00.000Z`,
    window_end: end,
    run_id: `run-${day}`,
    as_of: end,
    status,
    rows: 10,
    sampled_rows: 10,
    quarantined_rows: 0,
    labelled_rows: 5,
    drifted_features: '',
    model_version: 'v1',
    config_hash: 'hash',
    started_at: end,
    finished_at: end,
    summary,
  };
}

describe('recent monitoring runs SQL', () => {
  const input = { model: 'demand', until: '2024-06-12T06:00:00Z', limit: 3 };

  it('reads the newest runs of the model up to the instant, in both dialects', () => {
    const duck = recentRunsSql({ ...input, dialect: duckdbDialect });
    const athena = recentRunsSql({ ...input, dialect: athenaDialect });
    assert.equal(duck.label, 'trigger:demand');
    assert.equal(athena.label, duck.label);
    for (const { sql } of [duck, athena]) {
      assert.equal(
        sql,
        [
          'SELECT "window_end", "status", "summary"',
          'FROM "monitoring_runs"',
          `WHERE "model" = 'demand' AND "window_end" <= '2024-06-12T06:00:00.000Z'`,
          'ORDER BY "window_end" DESC',
          'LIMIT 3',
        ].join('\n'),
      );
    }
  });

  it('quotes the model and refuses a limit or instant it cannot write', () => {
    assert.ok(recentRunsSql({ ...input, model: "o'brien", dialect: duckdbDialect }).sql.includes(`"model" = 'o''brien'`));
    assert.throws(() => recentRunsSql({ ...input, limit: 0, dialect: duckdbDialect }), SqlBuildError);
    assert.throws(() => recentRunsSql({ ...input, limit: 2.5, dialect: athenaDialect }), SqlBuildError);
    assert.throws(() => recentRunsSql({ ...input, until: 'yesterday', dialect: duckdbDialect }), SqlBuildError);
  });

  describe('on DuckDB', () => {
    let warehouse: DuckDbWarehouse;

    before(async () => {
      warehouse = await DuckDbWarehouse.open();
      await warehouse.ensureResultTables();
      const written = encodeRunSummary(runSummary(prepared, analysis));
      const empty = encodeRunSummary(runSummary(prepared, undefined));
      await warehouse.replaceRows('monitoring_runs', {}, [
        runRow('demand', '09', 'ok', written),
        runRow('demand', '10', 'no_data', empty),
        runRow('demand', '11', 'ok', written),
        runRow('demand', '12', 'ok', written),
        // After the instant, and another model's: neither is read.
        runRow('demand', '13', 'ok', written),
        runRow('other', '11', 'ok', written),
      ]);
    });
    after(async () => {
      await warehouse?.close();
    });

    it('answers the newest runs first with the summaries as they were written', async () => {
      for (const dialect of [duckdbDialect, athenaDialect]) {
        const runs = decodeRecentRuns((await warehouse.query(recentRunsSql({ ...input, dialect }).sql)).rows);
        assert.deepEqual(
          runs.map((run) => [run.windowEnd, run.status, run.summary.breaches, run.summary.breachKinds]),
          [
            ['2024-06-12T00:00:00.000Z', 'ok', 2, ['drift']],
            ['2024-06-11T00:00:00.000Z', 'ok', 2, ['drift']],
            ['2024-06-10T00:00:00.000Z', 'no_data', 0, []],
          ],
        );
        // JSON has no NaN: the headline keeps null for it, as the stored text always did.
        assert.deepEqual(runs[0]?.summary.headline, { rmse: null, mae: 1.5, meanPrediction: 40 });
        assert.deepEqual(runs[0]?.summary.modelVersions, ['v1']);
      }
    });
  });

  describe('decoding stored summaries', () => {
    const row = (summary: string | null): Row => ({ window_end: '2024-06-12T00:00:00.000Z', status: 'ok', summary });
    const valid = { breaches: 0, predictionDrifted: false, dataQualityIncident: false, headline: null, modelVersions: [] };

    it('reads a summary recorded before breach kinds were kept as having none', () => {
      const [run] = decodeRecentRuns([row(JSON.stringify(valid))]);
      assert.deepEqual(run?.summary.breachKinds, []);
    });

    it('names the row and the field of a summary that does not fit', () => {
      const bad = (summary: string | null, pattern: RegExp) =>
        assert.throws(
          () => decodeRecentRuns([row(summary)]),
          (error: unknown) => error instanceof RowDecodeError && pattern.test(error.message),
        );
      bad(JSON.stringify({ ...valid, breachKinds: ['drift', 'weather'] }), /recent-runs row 0 \(window ending 2024-06-12T00:00:00\.000Z\): column "summary": breachKinds\.1: /);
      bad(JSON.stringify({ ...valid, dataQualityIncident: 'yes' }), /column "summary": dataQualityIncident: /);
      bad(JSON.stringify({ breaches: 1 }), /predictionDrifted: .*dataQualityIncident: /s);
      bad('{"breaches": 1', /column "summary": not JSON/);
      bad(null, /column "summary" is null/);
    });
  });
});
