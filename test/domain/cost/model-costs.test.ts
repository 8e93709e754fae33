import assert from 'node:assert/strict';
import { athenaScanUsd, modelCostRows, scansByModel } from '../../../src/domain/cost/model-costs.js';
import { encodeRunSummary, runSummary } from '../../../src/domain/monitoring/run-summary.js';
import { decodeMonitoringScans, monitoringScansSql } from '../../../src/domain/sql/monitoring-scans.js';
import { athenaDialect, duckdbDialect } from '../../../src/domain/sql/dialect.js';
import { RowDecodeError } from '../../../src/domain/sql/decode.js';

const prepared = { rows: 10, quarantined: 0, missingPredictions: 0, modelVersions: ['v1'] };
const summary = (bytesScanned?: number): string => encodeRunSummary(runSummary(bytesScanned === undefined ? prepared : { ...prepared, bytesScanned }, undefined));

describe('monitoring scans and model costs', () => {
  it("sums each model's runs per day the runs started; runs that kept no figure add nothing", () => {
    const rows = [
      { model: 'demand', started_at: '2031-01-02T06:00:01.000Z', summary: summary(20 * 1024 ** 2) },
      { model: 'demand', started_at: '2031-01-02T18:00:00.000Z', summary: summary(10 * 1024 ** 2) },
      { model: 'churn', started_at: '2031-01-01T06:00:00.000Z', summary: summary() },
      { model: 'demand', started_at: '2031-01-01T06:00:00.000Z', summary: null },
    ];
    assert.deepEqual(decodeMonitoringScans(rows), [
      { model: 'churn', day: '2031-01-01', runs: 1, bytesScanned: 0 },
      { model: 'demand', day: '2031-01-01', runs: 1, bytesScanned: 0 },
      { model: 'demand', day: '2031-01-02', runs: 2, bytesScanned: 30 * 1024 ** 2 },
    ]);
  });

  it('names the row and field of a summary off the schema', () => {
    assert.throws(() => decodeMonitoringScans([{ model: 'demand', started_at: '2031-01-02T06:00:00.000Z', summary: '{"breaches":-1}' }]), (error: unknown) => {
      assert.ok(error instanceof RowDecodeError);
      assert.match(error.message, /row 0 \(demand, started 2031-01-02T06:00:00.000Z\): column "summary": .*breaches/);
      return true;
    });
  });

  it('selects runs started in [start, end) in both dialects and refuses a span that is not days', () => {
    for (const dialect of [athenaDialect, duckdbDialect]) {
      const { sql } = monitoringScansSql({ start: '2031-01-01', end: '2031-01-31', dialect });
      assert.match(sql, />= '2031-01-01' AND .*started_at.* < '2031-01-31'/);
    }
    assert.throws(() => monitoringScansSql({ start: '2031-01-01', end: "2031-01-31' OR 1=1", dialect: athenaDialect }), /end of a cost span is a day YYYY-MM-DD/);
  });

  it('prices scans at $5 per TB and keys each model and day for replacement', () => {
    assert.equal(athenaScanUsd(1024 ** 4), 5);
    const scans = [{ model: 'demand', day: '2031-01-02', runs: 2, bytesScanned: 1024 ** 4 / 10 }];
    const costs = [
      { day: '2031-01-02', model: 'demand', amount: 2.76, unit: 'USD' },
      { day: '2031-01-01', model: '', amount: 0.5, unit: 'USD' },
    ];
    const at = '2031-01-03T00:00:00.000Z';
    assert.deepEqual(modelCostRows(costs, scans, at), [
      { key: { model: '(untagged)', day: '2031-01-01' }, rows: [{ source: 'cost-explorer', amount: 0.5, unit: 'USD', bytes_scanned: null, runs: null, model: '(untagged)', day: '2031-01-01', recorded_at: at }] },
      {
        key: { model: 'demand', day: '2031-01-02' },
        rows: [
          { source: 'cost-explorer', amount: 2.76, unit: 'USD', bytes_scanned: null, runs: null, model: 'demand', day: '2031-01-02', recorded_at: at },
          { source: 'athena-monitoring', amount: 0.5, unit: 'USD', bytes_scanned: 1024 ** 4 / 10, runs: 2, model: 'demand', day: '2031-01-02', recorded_at: at },
        ],
      },
    ]);
    assert.deepEqual(scansByModel(scans).get('demand'), { runs: 2, bytesScanned: 1024 ** 4 / 10, usd: 0.5 });
  });
});
