// The BI views over result rows written through the warehouse port: declared columns and types,
// values equal to the rows they come from and to the local dashboard's views (drift scores, bias
// bands, the event track and its links), in DuckDB's text and in Athena's (through the Trino
// function macros).
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { biViewNames, biViews, createBiViewsSql, type BiColumnType } from '../../../src/domain/dashboard/bi-views.js';
import { timelineEvents } from '../../../src/domain/dashboard/event-timeline.js';
import { decodeAuditRows, decodeDeploymentRows, decodeMetricRows, decodeRunRows } from '../../../src/domain/dashboard/metric-rows.js';
import { biasView, driftView } from '../../../src/domain/dashboard/views.js';
import { runUrl } from '../../../src/domain/links/temporal-ui.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { resultTableNames } from '../../../src/domain/sql/tables.js';
import { trinoFunctionMacros } from '../../support/athena-twin/trino-functions.js';

const ui = { uiUrl: 'http://temporal.example:8233/', namespace: 'ml prod' };
const windows = ['2026-10-01', '2026-10-02', '2026-10-03'].map((day) => ({
  window_start: new Date(Date.parse(`${day}T00:00:00.000Z`) - 7 * 86_400_000).toISOString(),
  window_end: `${day}T00:00:00.000Z`,
}));

function metric(w: number, group: string, subject: string, name: string, value: number | null, threshold: number | null = null, breached = false): Row {
  const window = windows[w];
  if (window === undefined) throw new Error(`no window ${w}`);
  return {
    ...window,
    model: 'demand',
    as_of: `2026-10-1${w}T00:00:00.000Z`,
    run_id: `run-${w}`,
    group_name: group,
    subject,
    metric: name,
    value,
    threshold,
    breached,
    model_version: w < 2 ? 'v1' : 'v2',
    config_hash: 'h',
    query_id: null,
  };
}

function metricRows(): Row[] {
  const rows: Row[] = [];
  for (let w = 0; w < windows.length; w += 1) {
    const drifting = w >= 1;
    rows.push(
      metric(w, 'performance', 'window', 'rmse', 8 + 20 * w, 30, 8 + 20 * w > 30),
      metric(w, 'performance', 'window', 'mae', 6 + w),
      metric(w, 'performance', 'window', 'r2', 0.9 - 0.1 * w, 0.5, false),
      metric(w, 'performance', 'window', 'label_coverage', 1 - 0.25 * w),
      metric(w, 'performance', 'window', 'labelled_rows', 100 - 25 * w),
      metric(w, 'performance', 'baseline', 'rmse', 8),
      metric(w, 'run', 'window', 'rows', 100),
      metric(w, 'run', 'window', 'quarantined_rows', w),
      metric(w, 'run', 'window', 'quarantined_share', w / 100),
      // A distance decided feature, a p-value decided one (breaches low), and the prediction.
      metric(w, 'feature', 'price', 'wasserstein_normed', drifting ? 0.4 : 0.02, 0.1, drifting),
      metric(w, 'feature', 'price', 'psi', 0.3),
      metric(w, 'feature', 'price', 'mean', 20 + w),
      metric(w, 'feature', 'price', 'baseline_mean', 20),
      metric(w, 'quality', 'price', 'p5', 10 + w),
      metric(w, 'quality', 'price', 'p50', 20 + w),
      metric(w, 'quality', 'price', 'p95', 30 + w),
      metric(w, 'quality', 'price', 'baseline_p5', 10),
      metric(w, 'quality', 'price', 'baseline_p50', 20),
      metric(w, 'quality', 'price', 'baseline_p95', 30),
      metric(w, 'quality', 'price', 'missing_share', w === 2 ? 0.2 : 0, 0.1, w === 2),
      metric(w, 'feature', 'region', 'chi2_p_value_bh', w === 0 ? 0.5 : 0, 0.05, w !== 0),
      metric(w, 'feature', 'region', 'chi2_statistic', 3),
      metric(w, 'prediction', 'prediction', 'ks_statistic', 0.1 * w, 0, false),
      metric(w, 'prediction', 'prediction', 'mean', 200),
      metric(w, 'facet', 'weekend', 'mean_error_gap', 1 + w),
      metric(w, 'facet', 'weekend', 'baseline_mean_error_gap', 1),
      metric(w, 'facet', 'weekend', 'mean_error_gap_change', w, 1.5, w > 1.5),
      metric(w, 'facet', 'weekend', 'rmse_gap', 2),
      metric(w, 'facet', 'weekend', 'baseline_rmse_gap', 2),
      metric(w, 'facet', 'weekend', 'rmse_gap_change', 0),
      metric(w, 'facet', 'weekend=weekday', 'rmse', 9),
    );
  }
  return rows;
}

function runRows(): Row[] {
  return windows.map((window, w) => ({
    ...window,
    model: 'demand',
    as_of: `2026-10-1${w}T00:00:00.000Z`,
    run_id: `run-${w}`,
    status: 'ok',
    rows: 100,
    sampled_rows: 100,
    quarantined_rows: w,
    labelled_rows: 100 - 25 * w,
    drifted_features: w === 0 ? '' : 'price,region',
    model_version: w < 2 ? 'v1' : 'v2',
    config_hash: 'h',
    started_at: `2026-10-1${w}T00:00:00.000Z`,
    finished_at: `2026-10-1${w}T00:01:00.000Z`,
    summary: null,
  }));
}

const auditRows: Row[] = [
  { id: 'a1', at: '2026-10-02T01:00:00.000Z', actor: 'vigil-monitoring', action: 'retraining.triggered', model: 'demand', detail: JSON.stringify({ reason: 'drift', nominalAt: '2026-10-02T00:00:00.000Z' }), workflow_id: 'vigil-daily-demand', run_id: 'r-1' },
  { id: 'a2', at: '2026-10-02T02:00:00.000Z', actor: 'ana@example.com', action: 'approval.approved', model: 'demand', detail: JSON.stringify({ version: 'v2', reason: 'looks right' }), workflow_id: 'vigil-retrain-demand', run_id: 'r-2' },
  // An id the URL cannot carry as it is: the view leaves the link out rather than build a wrong one.
  { id: 'a3', at: '2026-10-02T03:00:00.000Z', actor: 'vigil-deploy', action: 'deploy.done', model: 'demand', detail: JSON.stringify({ version: 'v2' }), workflow_id: 'deploy demand/v2', run_id: 'r-3' },
  // Not on the track: another action, and an event of no model.
  { id: 'a4', at: '2026-10-02T04:00:00.000Z', actor: 'ops', action: 'config.applied', model: 'demand', detail: null, workflow_id: null, run_id: null },
  { id: 'a5', at: '2026-10-02T05:00:00.000Z', actor: 'ops', action: 'approval.approved', model: null, detail: null, workflow_id: null, run_id: null },
];

const deploymentRows: Row[] = [
  { id: 'd1', at: '2026-10-02T02:30:00.000Z', model: 'demand', model_version: 'v2', endpoint: 'demand-production', stage: 'production', action: 'deploy', status: 'deployed', previous_version: 'v1', workflow_id: 'vigil-deploy-demand-v2', run_id: 'r-4', detail: null },
  { id: 'd2', at: '2026-10-03T02:30:00.000Z', model: 'demand', model_version: 'v1', endpoint: 'demand-production', stage: 'production', action: 'rollback', status: 'deployed', previous_version: 'v2', workflow_id: 'vigil-rollback-demand', run_id: 'r-5', detail: null },
];

const duckdbTypes: Record<BiColumnType, string> = { text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' };

for (const dialect of [duckdbDialect, athenaDialect] as SqlDialect[]) {
  describe(`BI views (${dialect.name} text)`, () => {
    let warehouse: DuckDbWarehouse;
    const view = async (sql: string): Promise<Row[]> => (await warehouse.query(sql)).rows;

    before(async () => {
      warehouse = await DuckDbWarehouse.open();
      if (dialect.name === 'athena') for (const macro of trinoFunctionMacros) await warehouse.execute(macro);
      await warehouse.ensureResultTables();
      await warehouse.replaceRows('monitoring_metrics', {}, metricRows());
      await warehouse.replaceRows('monitoring_runs', {}, runRows());
      await warehouse.replaceRows('audit_events', {}, auditRows);
      await warehouse.replaceRows('deployments', {}, deploymentRows);
      // Twice: creating them again replaces them.
      for (let i = 0; i < 2; i += 1) for (const { sql } of createBiViewsSql(dialect, resultTableNames, { temporalUi: ui })) await warehouse.execute(sql);
    });

    after(async () => {
      await warehouse.close();
    });

    it('has exactly the declared columns, in order, with the declared types', async () => {
      for (const name of biViewNames) {
        const described = await view(`DESCRIBE ${name}`);
        assert.deepEqual(
          described.map((row) => [row['column_name'], row['column_type']]),
          biViews[name].columns.map((column) => [column.name, duckdbTypes[column.type]]),
          name,
        );
      }
    });

    it('vigil_metrics_daily: a row per window with its metrics side by side and its breaches counted', async () => {
      const rows = await view('SELECT * FROM vigil_metrics_daily ORDER BY window_end');
      assert.equal(rows.length, windows.length);
      const source = metricRows();
      for (const [w, row] of rows.entries()) {
        const of = (group: string, subject: string, name: string): Row | undefined => source.find((r) => r['window_end'] === windows[w]?.window_end && r['group_name'] === group && r['subject'] === subject && r['metric'] === name);
        assert.equal(row['window_day'], windows[w]?.window_end.slice(0, 10));
        assert.equal(row['rmse'], of('performance', 'window', 'rmse')?.['value']);
        assert.equal(row['rmse_threshold'], 30);
        assert.equal(row['rmse_breached'], of('performance', 'window', 'rmse')?.['breached']);
        assert.equal(row['mae_threshold'], null, 'no threshold on mae: NULL, not false');
        assert.equal(row['mae_breached'], null);
        assert.equal(row['r2'], of('performance', 'window', 'r2')?.['value']);
        assert.equal(row['baseline_rmse'], 8);
        assert.equal(Number(row['labelled_rows']), 100 - 25 * w);
        assert.equal(Number(row['quarantined_rows']), w);
        assert.equal(row['model_version'], w < 2 ? 'v1' : 'v2');
        const breachedRows = source.filter((r) => r['window_end'] === windows[w]?.window_end && r['threshold'] !== null && r['breached'] === true);
        assert.equal(Number(row['breaches']), breachedRows.length);
        assert.equal(Number(row['drifted_features']), new Set(breachedRows.filter((r) => r['group_name'] === 'feature').map((r) => r['subject'])).size);
        assert.equal(Number(row['quality_breaches']), w === 2 ? 1 : 0);
        assert.equal(Number(row['bias_breaches']), w === 2 ? 1 : 0);
        assert.equal(row['prediction_drifted'], false);
      }
    });

    it('vigil_drift_by_feature: the deciding metric and its score, as the dashboard draws them, beside the quantile bands', async () => {
      const rows = await view('SELECT * FROM vigil_drift_by_feature ORDER BY window_end, feature');
      const cells = driftView(decodeMetricRows(metricRows())).cells;
      assert.equal(rows.length, cells.length, 'one row per deciding metric');
      for (const cell of cells) {
        const row = rows.find((r) => r['window_end'] === cell.windowEnd && r['feature'] === cell.subject);
        assert.ok(row !== undefined, `${cell.subject} ${cell.windowEnd}`);
        assert.equal(row['drift_metric'], cell.metric);
        assert.equal(row['drift_value'], cell.value);
        assert.equal(row['drift_threshold'], cell.threshold);
        assert.equal(row['drift_breached'], cell.breached);
        assert.equal(row['drift_score'], cell.score, `${cell.subject} ${cell.windowEnd}: score`);
      }
      const price = rows.filter((r) => r['feature'] === 'price');
      assert.deepEqual(price.map((r) => [r['p5'], r['p50'], r['p95'], r['baseline_p50'], r['mean'], r['baseline_mean']]), [0, 1, 2].map((w) => [10 + w, 20 + w, 30 + w, 20, 20 + w, 20]));
      const prediction = rows.filter((r) => r['feature'] === 'prediction');
      assert.deepEqual(prediction.map((r) => [r['kind'], r['drift_score']]), [['prediction', null], ['prediction', null], ['prediction', null]], 'a zero threshold has no score');
      assert.deepEqual(rows.filter((r) => r['feature'] === 'region').map((r) => r['drift_score']), [0.1, Number.MAX_VALUE, Number.MAX_VALUE], 'a p-value of 0 is as far past its level as a score goes');
    });

    it('vigil_bias_by_facet: each gap with its baseline, change and limit, as the dashboard draws them', async () => {
      const rows = await view('SELECT * FROM vigil_bias_by_facet ORDER BY window_end, gap_metric');
      assert.equal(rows.length, windows.length * 2);
      for (const series of biasView(decodeMetricRows(metricRows()), {})) {
        for (const point of series.points) {
          const row = rows.find((r) => r['window_end'] === point.windowEnd && r['facet'] === series.facet && `${String(r['gap_metric'])}_change` === series.metric);
          assert.ok(row !== undefined, `${series.facet} ${series.metric} ${point.windowEnd}`);
          assert.deepEqual([row['gap'], row['baseline_gap'], row['gap_change']], [point.gap, point.baselineGap, point.change]);
          assert.equal(row['breached'] ?? false, point.breached);
        }
      }
      const meanError = rows.filter((r) => r['gap_metric'] === 'mean_error_gap');
      assert.deepEqual(meanError.map((r) => [r['threshold'], r['breached']]), [[1.5, false], [1.5, false], [1.5, true]]);
      assert.deepEqual(rows.filter((r) => r['gap_metric'] === 'rmse_gap').map((r) => r['threshold']), [null, null, null]);
    });

    it('vigil_events: the track the dashboard shows, every deployment, the drifted windows, and each run linked', async () => {
      const rows = await view('SELECT * FROM vigil_events ORDER BY event_at');
      const track = timelineEvents(decodeAuditRows(auditRows.filter((r) => r['model'] === 'demand')), decodeDeploymentRows(deploymentRows), decodeRunRows(runRows()), { uiUrl: ui.uiUrl, namespace: ui.namespace });
      const audit = rows.filter((r) => !String(r['action']).startsWith('deployments.') && r['kind'] !== 'drift');
      assert.deepEqual(
        audit.map((r) => [r['action'], r['kind'], r['actor'], r['version']]),
        track.filter((event) => !event.action.startsWith('deployments.')).map((event) => [event.action, event.kind, event.actor, event.version]),
      );
      assert.equal(audit.find((r) => r['action'] === 'approval.approved')?.['detail'], 'looks right');
      const deployments = rows.filter((r) => String(r['action']).startsWith('deployments.'));
      assert.deepEqual(deployments.map((r) => [r['kind'], r['version'], r['previous_version'], r['stage'], r['status']]), [['deploy', 'v2', 'v1', 'production', 'deployed'], ['rollback', 'v1', 'v2', 'production', 'deployed']]);
      const drifts = rows.filter((r) => r['kind'] === 'drift');
      assert.deepEqual(drifts.map((r) => [r['window_end'], r['detail']]), [[windows[1]?.window_end, 'price,region'], [windows[2]?.window_end, 'price,region']]);
      const runsOf = runRows();
      assert.deepEqual(drifts.map((r) => r['event_at']), [1, 2].map((w) => runsOf.find((run) => run['window_end'] === windows[w]?.window_end)?.['finished_at']), 'found when its run finished');
      assert.ok(rows.filter((r) => r['kind'] !== 'drift').every((r) => r['window_end'] === null));
      for (const row of rows) {
        const workflowId = row['workflow_id'];
        const runId = row['run_id'];
        const expected = typeof workflowId === 'string' && typeof runId === 'string' && workflowId !== 'deploy demand/v2' ? runUrl(ui.uiUrl, ui.namespace, workflowId, runId) : null;
        assert.equal(row['temporal_url'], expected, `${String(row['action'])}: link`);
      }
      assert.equal(rows.find((r) => r['action'] === 'deploy.done')?.['temporal_url'], null);
      assert.equal(String(rows[0]?.['event_time']), '2026-10-02T01:00:00.000Z', 'the instant as a TIMESTAMP');
    });
  });
}

describe('BI views: creation', () => {
  it('creates only the views whose tables exist', () => {
    assert.deepEqual(
      createBiViewsSql(duckdbDialect, ['monitoring_metrics']).map((v) => v.view),
      ['vigil_metrics_daily', 'vigil_drift_by_feature', 'vigil_bias_by_facet'],
    );
  });

  it("qualifies tables and views with Athena's database", () => {
    const [first] = createBiViewsSql(athenaDialect, resultTableNames, { database: 'vigil_results' });
    assert.match(first?.sql ?? '', /^CREATE OR REPLACE VIEW "vigil_results"\."vigil_metrics_daily" AS\n/);
    assert.match(first?.sql ?? '', /FROM "vigil_results"\."monitoring_metrics"/);
  });
});
