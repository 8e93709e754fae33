// The monitoring workflows on the real dev server, with the real local adapters (DuckDB, model
// server) over a small generated data set whose drift starts on a known day.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { MonitorWindowResult } from '../../src/domain/monitoring/types.js';
import type { dailyMonitoringWorkflow } from '../../src/workflows/monitoring/daily-monitoring.js';
import type { monitorWindowWorkflow, MonitorWindowInput } from '../../src/workflows/monitoring/monitor-window.js';
import { maybeRecordHistory } from '../support/histories.js';
import { addDays, useMonitoringRig, weekEndingOn, type MonitoringRig } from '../support/monitoring-rig.js';
import { uniqueId } from '../support/temporal.js';

describe('monitoring workflows on the dev server', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  useMonitoringRig({}, (started) => {
    rig = started;
  });

  async function monitor(input: MonitorWindowInput, workflowId = uniqueId('monitor')): Promise<MonitorWindowResult> {
    return rig.client.workflow.execute<typeof monitorWindowWorkflow>('monitorWindowWorkflow', {
      taskQueue: rig.taskQueue,
      workflowId,
      args: [input],
    });
  }

  async function count(sql: string): Promise<number> {
    const { rows } = await rig.runtime.deps.warehouse.query(sql);
    return Number(rows[0]?.n ?? -1);
  }

  it('detects the injected drift in the first window that holds it, and not before', async () => {
    const results = await rig.run(async () => {
      const out: MonitorWindowResult[] = [];
      for (let back = 3; back >= 0; back -= 1) {
        const last = addDays(rig.driftDate, -back);
        const window = weekEndingOn(last);
        const workflowId = uniqueId('drift');
        out.push(await monitor({ model: 'demand', window, asOf: `${addDays(last, 1)}T06:00:00.000Z` }, workflowId));
        if (back === 0) await maybeRecordHistory(rig.client, workflowId, 'monitor-window-drift');
      }
      return out;
    });
    const before = results.slice(0, 3);
    const onDriftDay = results[3]!;
    for (const result of before) {
      assert.equal(result.status, 'ok');
      assert.deepEqual(result.analysis?.driftedFeatures, [], `no drift expected in ${result.window.start}`);
      assert.equal(result.analysis?.predictionDrifted, false);
    }
    assert.ok(onDriftDay.analysis?.driftedFeatures.includes('temperature'), `drifted: ${onDriftDay.analysis?.driftedFeatures.join(',')}`);
    assert.ok(onDriftDay.analysis?.driftedFeatures.includes('footfall'));
    assert.ok(onDriftDay.analysis?.breaches.some((b) => b.kind === 'drift' && b.subject === 'temperature'));
    assert.ok(rig.alerts.some((text) => text.includes('drift detected')), 'a drift alert went out');
  });

  it('quarantines malformed rows with reasons and scores rows logged without a prediction', async () => {
    const window = weekEndingOn(addDays(rig.driftDate, -1));
    const result = await rig.run(() => monitor({ model: 'demand', window }));
    assert.ok(result.quarantined > 0, 'the demo data has malformed rows');
    assert.ok(result.scored > 0 || result.analysis !== null, 'rows without predictions were scored');
    const quarantined = await count(`SELECT count(*) AS n FROM quarantine WHERE model = 'demand' AND window_start = '${window.start}'`);
    assert.equal(quarantined, result.quarantined);
    const { rows } = await rig.runtime.deps.warehouse.query(
      `SELECT reason FROM quarantine WHERE model = 'demand' AND window_start = '${window.start}' LIMIT 20`,
    );
    for (const row of rows) assert.match(String(row.reason), /^[a-z_]+: (".*" is not an? [a-z]+|missing)/);
    const scored = await count(`SELECT count(*) AS n FROM scored_predictions WHERE model = 'demand'`);
    assert.ok(scored > 0, 'scored predictions were written');
  });

  it('replaces a window’s rows when it is rerun, and label coverage grows with later labels', async () => {
    const last = addDays(rig.driftDate, -2);
    const window = weekEndingOn(last);
    const workflowId = uniqueId('rerun');
    const early = await rig.run(() => monitor({ model: 'demand', window, asOf: `${addDays(last, 1)}T06:00:00.000Z` }, workflowId));
    const metricsAfterFirst = await count(`SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND window_start = '${window.start}'`);
    const late = await rig.run(() => monitor({ model: 'demand', window, asOf: `${addDays(last, 8)}T06:00:00.000Z`, purpose: 'relabel' }, workflowId));
    const metricsAfterSecond = await count(`SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND window_start = '${window.start}'`);
    const runs = await count(`SELECT count(*) AS n FROM monitoring_runs WHERE model = 'demand' AND window_start = '${window.start}'`);
    assert.equal(metricsAfterSecond, metricsAfterFirst, 'a rerun replaces the window’s metrics');
    assert.equal(runs, 1, 'one run row per window');
    assert.ok((early.analysis?.labelCoverage ?? 1) < 1, 'some labels had not arrived at first');
    assert.ok((late.analysis?.labelCoverage ?? 0) > (early.analysis?.labelCoverage ?? 1), 'coverage grew as labels arrived');
    const { rows } = await rig.runtime.deps.warehouse.query(
      `SELECT DISTINCT as_of FROM monitoring_metrics WHERE model = 'demand' AND window_start = '${window.start}'`,
    );
    assert.deepEqual(rows.map((row) => row.as_of), [late.asOf], 'rows carry the as-of time of the latest evaluation');
  });

  it('runs the daily workflow: the newest window plus re-evaluations of older ones', async () => {
    const at = `${addDays(rig.driftDate, 1)}T06:00:00.000Z`;
    const workflowId = uniqueId('daily');
    const result = await rig.run(() =>
      rig.client.workflow.execute<typeof dailyMonitoringWorkflow>('dailyMonitoringWorkflow', {
        taskQueue: rig.taskQueue,
        workflowId,
        args: [{ model: 'demand', at }],
      }),
    );
    await maybeRecordHistory(rig.client, workflowId, 'daily-monitoring');
    assert.deepEqual(result.current.window, weekEndingOn(rig.driftDate));
    assert.equal(result.relabelled.length, 7);
    assert.ok(result.relabelled.every((entry) => entry.asOf === at));
  });

  it('marks an empty window "no data" and alerts instead of failing', async () => {
    const workflowId = uniqueId('empty');
    const result = await rig.run(() => monitor({ model: 'demand', window: weekEndingOn('2025-01-10') }, workflowId));
    await maybeRecordHistory(rig.client, workflowId, 'monitor-window-no-data');
    assert.equal(result.status, 'no_data');
    assert.equal(result.rows, 0);
    assert.ok(rig.alerts.some((text) => text.includes('no data in the monitoring window')));
    const status = await rig.runtime.deps.warehouse.query(
      `SELECT status FROM monitoring_runs WHERE model = 'demand' AND window_start = '${weekEndingOn('2025-01-10').start}'`,
    );
    assert.equal(status.rows[0]?.status, 'no_data');
  });

  it('marks a window that reaches before the first day of data partial, and judges no drift or bias in it', async () => {
    // The week ending on the first data day holds one day of rows.
    const window = weekEndingOn(rig.scenario.startDate);
    const result = await rig.run(() => monitor({ model: 'demand', window }));
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.analysis?.coverage, { coveredDays: 1, windowDays: 7, partial: true });
    assert.deepEqual(result.analysis?.driftedFeatures, []);
    assert.ok(!(result.analysis?.breaches ?? []).some((breach) => breach.kind === 'drift' || breach.kind === 'bias'));
    const partial = await count(
      `SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND window_start = '${window.start}' AND metric = 'partial_window' AND value = 1`,
    );
    assert.equal(partial, 1);
    const driftRows = await count(`SELECT count(*) AS n FROM monitoring_metrics WHERE model = 'demand' AND window_start = '${window.start}' AND group_name = 'feature'`);
    assert.equal(driftRows, 0);
  });

  it('fails at once, naming the model, when the model is unknown', async () => {
    await assert.rejects(
      rig.run(() => monitor({ model: 'nonexistent', window: weekEndingOn('2026-03-10') })),
      (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.match(String((error.cause?.cause as Error | undefined)?.message), /unknown model "nonexistent" \(configured: demand\)/);
        return true;
      },
    );
  });
});
