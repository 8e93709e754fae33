// The dashboard in Chromium over a demo's results (drift, a retraining, the v2 deploy): the page
// loads without console errors, each chart holds the points the warehouse holds, the breach
// markers sit where the warehouse has breaches, and the event track links each run to its page
// in the Temporal Web UI.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { existingSnapshots, querySnapshots, resultsSnapshotDir } from '../../src/adapters/local/duckdb/results-export.js';
import { loadConfig } from '../../src/config/load.js';
import { localDashboardData } from '../../src/dashboard/dashboard-data.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/dashboard-server.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import type { Row } from '../../src/domain/sql/row.js';
import { launchChromium } from '../support/chromium.js';
import { freePort } from '../support/free-port.js';

interface DrawnSeries {
  name: string;
  data: unknown[];
}

describe('the dashboard in Chromium over the demo', function () {
  this.timeout(600_000);
  let dir: string;
  let demo: DemoResult;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let uiPort: number;

  async function warehouse(sql: string): Promise<Row[]> {
    return (await querySnapshots(await existingSnapshots(resultsSnapshotDir(dir)), sql)).rows;
  }

  async function drawn(chartId: string): Promise<DrawnSeries[]> {
    return page.evaluate((id) => {
      const charts = (globalThis as unknown as { vigilDashboard: { charts: Record<string, { getOption(): { series: { name: string; data: unknown[] }[] } }> } }).vigilDashboard.charts;
      const chart = charts[id];
      if (chart === undefined) throw new Error(`no chart ${id}`);
      return chart.getOption().series.map((series) => ({ name: series.name, data: series.data }));
    }, chartId);
  }

  function series(all: DrawnSeries[], name: string): unknown[] {
    const found = all.find((entry) => entry.name === name);
    assert.ok(found !== undefined, `no series ${name} (${all.map((entry) => entry.name).join(', ')})`);
    return found.data;
  }

  const times = (rows: readonly Row[], column = 'window_end'): number[] => rows.map((row) => Date.parse(String(row[column]))).sort((a, b) => a - b);
  const xs = (data: unknown[]): number[] => data.map((point) => (point as [number])[0]).sort((a, b) => a - b);

  before(async () => {
    // Fails here, with the install command, where Chromium is missing.
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'vigil-dashboard-'));
    uiPort = await freePort();
    demo = await runDemo({ dir, temporalPort: await freePort(), uiPort, scale: { days: 30, rowsPerDay: 400, driftFromDay: 10 }, yes: true, log: () => undefined });
    const loaded = await loadConfig(join(dir, 'vigil.config.yaml'));
    dashboard = await startDashboard(localDashboardData(loaded, 'default'), { host: '127.0.0.1', port: 0 });
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(dashboard.url);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { vigilDashboard: { ready: Promise<boolean> } }).vigilDashboard.ready), true, `the page loaded its data: ${errors.join('; ')}`);
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('loads without console errors and shows the model overview', async () => {
    assert.deepEqual(errors, []);
    const card = await page.locator('#overview .card[data-model="demand"]').innerText();
    const deployed = demo.retrainings.find((retraining) => retraining.outcome === 'deployed')?.version;
    assert.ok(deployed !== undefined, JSON.stringify(demo.retrainings));
    assert.match(card, new RegExp(`serving\\s+${deployed}`));
    assert.match(card, /label coverage\s+\d+%/);
    const incidents = JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8')) as { open: Record<string, { kind: string }> };
    const open = Object.values(incidents.open);
    assert.match(card, open.length === 0 ? /open incidents\s+none/ : new RegExp(`open incidents\\s+${open[0]?.kind ?? ''} since`));
  });

  it('draws every window the warehouse holds, in each chart', async () => {
    const metric = (group: string, subject: string | undefined, name: string): Promise<Row[]> =>
      warehouse(`SELECT window_end FROM monitoring_metrics WHERE model = 'demand' AND group_name = '${group}' AND metric = '${name}'${subject === undefined ? '' : ` AND subject = '${subject}'`}`);
    const performance = await drawn('chart-performance');
    assert.deepEqual(xs(series(performance, 'rmse')), times(await metric('performance', 'window', 'rmse')));
    assert.deepEqual(xs(series(performance, 'label coverage')), times(await metric('performance', 'window', 'label_coverage')));
    assert.deepEqual(xs(series(performance, 'r2')), times(await metric('performance', 'window', 'r2')));

    const thresholded = await warehouse(`SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND group_name IN ('feature', 'prediction') AND threshold IS NOT NULL`);
    assert.equal(series(await drawn('chart-drift'), 'drift').length, Number(thresholded[0]?.['n']));

    assert.deepEqual(xs(series(await drawn('chart-prediction'), 'mean prediction')), times(await metric('prediction', 'prediction', 'mean')));
    assert.deepEqual(xs(series(await drawn('chart-quality'), 'quarantined rows')), times(await metric('run', 'window', 'quarantined_rows')));
    const feature = await page.locator('#feature-title').innerText();
    const subject = feature.replace('Feature: ', '');
    assert.deepEqual(xs(series(await drawn('chart-feature'), 'baseline p50')), times(await metric('quality', subject, 'baseline_p50')), `the baseline band of ${subject}`);
    assert.deepEqual(xs(series(await drawn('chart-bias'), 'weekend mean_error')), times(await metric('facet', 'weekend', 'mean_error_gap_change')));
  });

  it("keeps a re-evaluated window's earlier values: one marker per earlier as-of, and the trail in the tooltip", async () => {
    const evaluations = await warehouse(`SELECT window_end, as_of, value FROM performance_history WHERE model = 'demand' AND metric = 'rmse'`);
    const latest = await warehouse(`SELECT DISTINCT window_end, as_of FROM monitoring_runs WHERE model = 'demand'`);
    const isLatest = (row: Row): boolean => latest.some((run) => run['window_end'] === row['window_end'] && run['as_of'] === row['as_of']);
    const earlier = evaluations.filter((row) => !isLatest(row));
    assert.ok(earlier.length > 0, 'the demo re-evaluates windows as labels arrive');
    const drawnEarlier = series(await drawn('chart-performance'), 'rmse, earlier evaluations') as [number, number, string][];
    assert.deepEqual(drawnEarlier.map(([at, value, asOf]) => `${new Date(at).toISOString()} ${asOf} ${value}`).sort(), earlier.map((row) => `${String(row['window_end'])} ${String(row['as_of'])} ${Number(row['value'])}`).sort());
    // The window with the most evaluations: its tooltip lists each of them.
    const counts = new Map<string, number>();
    for (const row of evaluations) counts.set(String(row['window_end']), (counts.get(String(row['window_end'])) ?? 0) + 1);
    const [busiest, times] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const tooltip = await page.evaluate((at) => {
      const chart = (globalThis as unknown as { vigilDashboard: { charts: Record<string, { getOption(): { tooltip: { formatter: (items: unknown[]) => string }[] } }> } }).vigilDashboard.charts['chart-performance'];
      return chart?.getOption().tooltip[0]?.formatter([{ value: [Date.parse(at)] }]) ?? '';
    }, busiest);
    assert.equal(tooltip.match(/as of \d{4}-\d{2}-\d{2}/g)?.length, times, tooltip);
  });

  it('puts the breach markers where the warehouse has breaches', async () => {
    const breached = (where: string): Promise<Row[]> => warehouse(`SELECT window_end, subject FROM monitoring_metrics WHERE model = 'demand' AND breached AND ${where}`);
    const performance = await breached(`group_name = 'performance' AND metric IN ('rmse', 'mae')`);
    assert.ok(performance.length > 0, 'the demo breaches its RMSE range');
    assert.deepEqual(xs(series(await drawn('chart-performance'), 'breach')), times(performance));
    const drift = await breached(`group_name IN ('feature', 'prediction') AND threshold IS NOT NULL`);
    assert.ok(drift.length > 0);
    assert.equal(series(await drawn('chart-drift'), 'breach').length, drift.length);
    const bias = await breached(`group_name = 'facet' AND subject = 'weekend' AND metric = 'mean_error_gap_change'`);
    assert.deepEqual(xs(series(await drawn('chart-bias'), 'weekend mean_error breach')), times(bias));
  });

  it('shows the retraining and the deploy on the event track, each linking to its Temporal run', async () => {
    const deployed = demo.retrainings.find((retraining) => retraining.outcome === 'deployed')?.version;
    const events = (await drawn('chart-events'))[0]?.data as { event: { kind: string; version: string | null; title: string } }[];
    assert.ok(events.some((point) => point.event.kind === 'retraining'), 'a retraining on the track');
    assert.ok(events.some((point) => point.event.kind === 'deploy' && point.event.version === deployed), `the ${deployed} deploy on the track`);

    const [deployment] = await warehouse(`SELECT workflow_id, run_id FROM deployments WHERE model = 'demand' AND stage = 'production' AND status = 'deployed'`);
    assert.ok(deployment !== undefined);
    const expected = `http://localhost:${uiPort}/namespaces/default/workflows/${String(deployment['workflow_id'])}/${String(deployment['run_id'])}/history`;
    const link = page.locator('#events tbody tr[data-kind="deploy"] a');
    assert.equal(await link.getAttribute('href'), expected);
    // The demo stopped its Temporal dev server: answer for the UI, to see where the link goes.
    const context = page.context();
    await context.route(`http://localhost:${uiPort}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Temporal</title>' }));
    const [opened] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await opened.waitForLoadState();
    assert.equal(opened.url(), expected);
    await opened.close();
  });

  it('answers its JSON API with a clear error for an unknown model or a bad range', async () => {
    const unknown = await fetch(`${dashboard.url}api/models/nope/drift`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /no model "nope" in the config \(models: demand\)/);
    const bad = await fetch(`${dashboard.url}api/models/demand/performance?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /from: "yesterday" is not a day/);
    const ranged = (await (await fetch(`${dashboard.url}api/models/demand/performance?from=2026-10-20&to=2026-10-22`)).json()) as { points: { windowEnd: string }[] };
    assert.deepEqual(
      ranged.points.map((point) => point.windowEnd.slice(0, 10)),
      ['2026-10-20', '2026-10-21', '2026-10-22'],
    );
  });
  it('answers the same story from the BI views over the demo results (what QuickSight reads on AWS)', async () => {
    const daily = await warehouse(`SELECT window_end, breaches, drifted_features FROM vigil_metrics_daily WHERE model = 'demand' ORDER BY window_end`);
    const runs = await warehouse(`SELECT window_end, drifted_features FROM monitoring_runs WHERE model = 'demand' ORDER BY window_end`);
    assert.deepEqual(daily.map((row) => row['window_end']), runs.map((row) => row['window_end']), 'a row per window');
    const breaches = await warehouse(`SELECT window_end, count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND threshold IS NOT NULL AND breached GROUP BY window_end`);
    for (const row of daily) {
      const expected = breaches.find((b) => b['window_end'] === row['window_end'])?.['n'] ?? 0;
      assert.equal(Number(row['breaches']), Number(expected), `${String(row['window_end'])}: breaches`);
    }
    const deciding = await warehouse(`SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND group_name IN ('feature', 'prediction') AND threshold IS NOT NULL`);
    const [features] = await warehouse(`SELECT count(*) AS n, count(DISTINCT feature) AS features FROM vigil_drift_by_feature WHERE model = 'demand'`);
    assert.equal(Number(features?.['n']), Number(deciding[0]?.['n']));
    const events = await warehouse(`SELECT action, actor, version FROM vigil_events WHERE model = 'demand' ORDER BY event_at`);
    const deployed = demo.retrainings.find((retraining) => retraining.outcome === 'deployed')?.version;
    assert.ok(events.some((event) => event['action'] === 'retraining.triggered'));
    assert.ok(events.some((event) => event['action'] === 'approval.approved' && event['version'] === deployed && event['actor'] === 'demo-approver'));
    assert.ok(events.some((event) => event['action'] === 'deployments.deploy' && event['version'] === deployed));
  });
});
