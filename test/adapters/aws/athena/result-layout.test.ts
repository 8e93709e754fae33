// The S3 layout of the Athena result tables and the row checks before a write: pure functions.
import assert from 'node:assert/strict';
import {
  ResultLayout,
  addPartitionSql,
  appendObjectName,
  checkKey,
  dataColumns,
  hiveEscape,
  isWholePartition,
  keyObjectStem,
  keyPartition,
  partitionPath,
  replacePartition,
  resultTableSpec,
  rowPartition,
  unloadSql,
} from '../../../../src/adapters/aws/athena/result-layout.js';
import { checkResultRows } from '../../../../src/adapters/aws/athena/result-rows.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import type { Row } from '../../../../src/domain/sql/row.js';
import { metricRow, windowStart } from '../../../support/result-rows.js';

const metrics = resultTableSpec('monitoring_metrics');
const deployments = resultTableSpec('deployments');
const audit = resultTableSpec('audit_events');

function invalid(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof NonRetryableError && error.code === 'INVALID_INPUT' && pattern.test(error.message);
}

describe('Athena result layout', () => {
  it('escapes partition values as Hive does in folder names', () => {
    assert.equal(hiveEscape(windowStart), '2024-05-01T00%3A00%3A00.000Z');
    assert.equal(hiveEscape('a/b=c%d#e?f'), 'a%2Fb%3Dc%25d%23e%3Ff');
    assert.equal(hiveEscape('tab\there'), 'tab%09here');
    assert.equal(hiveEscape('plain-name_1.0 é'), 'plain-name_1.0 é');
    assert.equal(partitionPath([['model', 'demand'], ['window_start', windowStart]]), 'model=demand/window_start=2024-05-01T00%3A00%3A00.000Z/');
    assert.equal(partitionPath([]), '');
  });

  it('parses the results location and places tables, partitions and staging under it', () => {
    const layout = new ResultLayout('s3://vigil-data/warehouse/results');
    assert.equal(layout.bucket, 'vigil-data');
    assert.equal(layout.root, 'warehouse/results/');
    assert.equal(layout.tablePrefix('quarantine'), 'warehouse/results/quarantine/');
    assert.equal(layout.partitionPrefix('scored_predictions', [['model', 'demand']]), 'warehouse/results/scored_predictions/model=demand/');
    assert.equal(layout.stagingPrefix('quarantine', 'k-1'), 'warehouse/results/_unload/quarantine/k-1/');
    assert.equal(layout.url('warehouse/results/x/'), 's3://vigil-data/warehouse/results/x/');
    assert.equal(new ResultLayout('s3://bucket-only').root, '');
    assert.equal(new ResultLayout('s3://bucket-only/').tablePrefix('audit_events'), 'audit_events/');
    assert.throws(() => new ResultLayout('/tmp/results'), /not an s3:\/\/ URL/);
  });

  it('knows only the result tables, and excludes partition columns from the data columns', () => {
    assert.throws(() => resultTableSpec('metric_points'), (error: unknown) => error instanceof NonRetryableError && /metric_points is not a result table/.test(error.message));
    assert.deepEqual(
      dataColumns(resultTableSpec('quarantine')).map((c) => c.name),
      ['window_end', 'record_id', 'reason', 'raw_record', 'quarantined_at'],
    );
    assert.equal(dataColumns(audit).length, audit.columns.length);
  });

  it('names key objects by a hash of the key, whatever its column order', () => {
    const a = keyObjectStem({ model: 'demand', window_start: windowStart });
    assert.match(a, /^k-[0-9a-f]{32}$/);
    assert.equal(keyObjectStem({ window_start: windowStart, model: 'demand' }), a);
    assert.notEqual(keyObjectStem({ model: 'demand', window_start: '2024-05-02T00:00:00.000Z' }), a);
    assert.notEqual(keyObjectStem({ id: 'x' }), keyObjectStem({ id: 'y' }));
  });

  it('names appended objects by a hash of their rows', () => {
    const rows = [{ record_id: 'r1', prediction: 1, model_version: null, endpoint: 'e', scored_at: windowStart, model: 'demand' }];
    const spec = resultTableSpec('scored_predictions');
    assert.match(appendObjectName(spec, rows), /^a-[0-9a-f]{32}\.parquet$/);
    assert.equal(appendObjectName(spec, [{ ...rows[0] }]), appendObjectName(spec, rows));
    assert.notEqual(appendObjectName(spec, [{ ...rows[0], prediction: 2 }]), appendObjectName(spec, rows));
  });

  it('tells a whole-partition key from a narrower one', () => {
    assert.ok(isWholePartition(metrics, { window_start: windowStart, model: 'demand' }));
    assert.ok(!isWholePartition(metrics, { model: 'demand', window_start: windowStart, window_end: windowStart }));
    assert.ok(!isWholePartition(deployments, { id: 'x' }));
    assert.ok(isWholePartition(audit, {}));
    assert.throws(() => checkKey(metrics, { nope: 1 }), /monitoring_metrics has no key column "nope"/);
  });

  it('takes the partition from the key, else from rows that agree on it', () => {
    assert.deepEqual(replacePartition(metrics, { model: 'demand', window_start: windowStart }, []), [
      ['model', 'demand'],
      ['window_start', windowStart],
    ]);
    const deployment = (model: string): Row => ({ id: 'd1', model });
    assert.deepEqual(replacePartition(deployments, { id: 'd1' }, [deployment('demand')]), [['model', 'demand']]);
    assert.equal(replacePartition(deployments, { id: 'd1' }, []), undefined);
    assert.throws(
      () => replacePartition(deployments, { id: 'd1' }, [deployment('a'), deployment('b')]),
      invalid(/deployments: the rows span several values of partition column "model" \("a", "b"\); put "model" in the key/),
    );
    assert.throws(() => replacePartition(metrics, { model: "o'brien", window_start: windowStart }, []), invalid(/partition column "model" needs non-empty text.*"o'brien"/));
    assert.throws(() => rowPartition(metrics, metricRow({ model: '' }), 3), invalid(/monitoring_metrics row 3: partition column "model"/));
    assert.throws(() => keyPartition(metrics, { model: 'demand' }), invalid(/needs the partition column window_start in its key/));
  });

  it('registers a partition with its folder as LOCATION', () => {
    assert.equal(
      addPartitionSql('vigil', 'monitoring_metrics', [['model', 'demand'], ['window_start', windowStart]], 's3://b/r/monitoring_metrics/model=demand/window_start=2024-05-01T00%3A00%3A00.000Z/'),
      "ALTER TABLE `vigil`.`monitoring_metrics` ADD IF NOT EXISTS PARTITION (`model` = 'demand', `window_start` = '2024-05-01T00:00:00.000Z') " +
        "LOCATION 's3://b/r/monitoring_metrics/model=demand/window_start=2024-05-01T00%3A00%3A00.000Z/'",
    );
  });

  it('UNLOADs the data columns cast to their types, within the key, as Snappy Parquet', () => {
    const sql = unloadSql(resultTableSpec('quarantine'), 'SELECT * FROM q', { model: 'demand', window_start: windowStart }, 's3://b/q/');
    assert.equal(
      sql,
      [
        'UNLOAD (',
        'SELECT',
        '  CAST("window_end" AS VARCHAR) AS "window_end",',
        '  CAST("record_id" AS VARCHAR) AS "record_id",',
        '  CAST("reason" AS VARCHAR) AS "reason",',
        '  CAST("raw_record" AS VARCHAR) AS "raw_record",',
        '  CAST("quarantined_at" AS VARCHAR) AS "quarantined_at"',
        'FROM (',
        'SELECT * FROM q',
        ') AS replacement',
        `WHERE "model" = 'demand' AND "window_start" = '${windowStart}'`,
        ") TO 's3://b/q/' WITH (format = 'PARQUET', compression = 'SNAPPY')",
      ].join('\n'),
    );
    assert.match(unloadSql(metrics, 'SELECT 1', { model: 'm', window_start: windowStart }, 's3://b/'), /CAST\("value" AS DOUBLE\).*\n.*CAST\("threshold" AS DOUBLE\).*\n.*CAST\("breached" AS BOOLEAN\)/);
  });
});

describe('Athena result row checks', () => {
  it('accepts rows of the table with the key values', () => {
    checkResultRows(metrics, { model: 'demand', window_start: windowStart }, [metricRow(), metricRow({ value: null, model_version: null })]);
  });

  it('names the table, row, column and value of a wrong row', () => {
    const key = { model: 'demand', window_start: windowStart };
    const { value: _value, ...withoutValue } = metricRow();
    assert.throws(() => checkResultRows(metrics, key, [withoutValue]), invalid(/monitoring_metrics row 0: column "value" is missing/));
    assert.throws(() => checkResultRows(metrics, key, [metricRow({ extra: 1 })]), invalid(/monitoring_metrics row 0: unknown column extra/));
    assert.throws(() => checkResultRows(metrics, key, [metricRow(), metricRow({ run_id: null })]), invalid(/monitoring_metrics row 1: column "run_id" is NOT NULL, got null/));
    assert.throws(() => checkResultRows(metrics, key, [metricRow({ value: '0.3' })]), invalid(/column "value" \(double\) needs a number, got string "0\.3"/));
    assert.throws(() => checkResultRows(metrics, key, [metricRow({ breached: 1 })]), invalid(/column "breached" \(boolean\) needs a boolean, got number 1/));
    assert.throws(() => checkResultRows(metrics, key, [metricRow({ metric: 5 })]), invalid(/column "metric" \(text\) needs text, got number 5/));
    const runs = resultTableSpec('monitoring_runs');
    const run = Object.fromEntries(runs.columns.map((c) => [c.name, c.type === 'bigint' ? 1 : 'x'])) as Row;
    assert.throws(() => checkResultRows(runs, {}, [{ ...run, rows: 2.5 }]), invalid(/column "rows" \(bigint\) needs an integer, got number 2\.5/));
    assert.throws(
      () => checkResultRows(metrics, key, [metricRow({ window_start: '2024-06-01T00:00:00.000Z' })]),
      invalid(/row 0: column "window_start" is string "2024-06-01T00:00:00.000Z", outside the key being replaced/),
    );
  });
});
