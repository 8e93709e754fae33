// Retraining, approval and the staged deploy on the real dev server, with the real local
// adapters: training pipeline on DuckDB, model registry, model server, audit log.
import assert from 'node:assert/strict';
import { applyDecision } from '../../src/temporal/approvals.js';
import type { ModelHost } from '../../src/ports/model-host.js';
import type { dailyMonitoringWorkflow } from '../../src/workflows/monitoring/daily-monitoring.js';
import type { deployWorkflow } from '../../src/workflows/deploy/deploy.js';
import type { RetrainingResult } from '../../src/workflows/retraining/messages.js';
import { decide } from '../support/decisions.js';
import { maybeRecordHistory } from '../support/histories.js';
import { addDays, smallDataRetraining, useMonitoringRig, type MonitoringRig, type Variant } from '../support/monitoring-rig.js';
import { startRetraining, waitForStage } from '../support/retraining-runs.js';
import { uniqueId } from '../support/temporal.js';

describe('retraining, approval and staged deploy on the dev server', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  let at: string;
  // The small data set gives a noisy holdout: the gate is exercised on its own below.
  useMonitoringRig({ configure: smallDataRetraining }, (started) => {
    rig = started;
    at = `${addDays(rig.driftDate, 4)}T06:00:00.000Z`;
  });



  async function productionVersion(): Promise<string | undefined> {
    return (await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion;
  }

  async function auditActions(workflowId: string): Promise<string[]> {
    return (await rig.runtime.deps.audit.list({ workflowId })).map((event) => event.action);
  }

  it('trains, asks, refuses an outsider and a double click, deploys on approval', async () => {
    const workflowId = uniqueId('retrain-happy');
    const handle = await startRetraining(rig, workflowId, { at });
    const waiting = await waitForStage(rig.client, workflowId, 'awaiting-approval');
    const candidate = waiting.candidateVersion!;
    assert.equal(waiting.pendingDecision?.candidateVersion, candidate);
    assert.ok(!JSON.stringify(waiting).includes('demo-approver'), 'the status does not list the approvers');

    const outsider = await decide(rig.client, workflowId, 'approve', 'mallory');
    assert.equal(outsider.ok, false);
    assert.equal(outsider.ok ? '' : outsider.error, 'mallory is not an approver of demand on cli');

    const approved = await decide(rig.client, workflowId, 'approve', 'demo-approver', { reason: 'looks good' });
    assert.deepEqual(approved, { ok: true, summary: `${candidate} approved by demo-approver` });
    const again = await applyDecision(rig.client, {
      decision: 'approve',
      by: 'demo-approver',
      via: 'cli',
      workflowId,
      runId: (await handle.describe()).runId,
      candidateVersion: candidate,
      requestId: 'any',
    });
    assert.equal(again.ok, false, 'a double click is refused, harmlessly');
    assert.match(again.ok ? '' : again.error, /already approved by demo-approver/);

    const result: RetrainingResult = await handle.result();
    await maybeRecordHistory(rig.client, workflowId, 'retraining-approved');
    await maybeRecordHistory(rig.client, `vigil-deploy-demand-${candidate}`, 'deploy-deployed');
    assert.equal(result.outcome, 'deployed', JSON.stringify(result));
    assert.equal(result.deploy?.previousVersion, 'v1');
    assert.equal(await productionVersion(), candidate);
    // Production serves the candidate: the staging endpoint, a copy of it, is deleted and audited.
    assert.equal(await rig.runtime.deps.modelHost.describeEndpoint('demand-staging'), undefined);
    assert.equal((await rig.runtime.deps.registry.get('demand', candidate))?.status, 'Approved');
    const actions = await auditActions(workflowId);
    for (const action of ['retraining.started', 'approval.refused', 'approval.approved']) assert.ok(actions.includes(action), `${action} in ${actions.join(',')}`);
    const deployActions = await auditActions(`vigil-deploy-demand-${candidate}`);
    for (const action of ['deploy.creating', 'deploy.staging', 'deploy.smoke-staging', 'deploy.production', 'deploy.verify-production', 'deploy.done', 'deploy.staging-retired']) {
      assert.ok(deployActions.includes(action), `${action} in ${deployActions.join(',')}`);
    }
  });

  it('rejects on a human "no" and leaves production alone', async () => {
    const before = await productionVersion();
    const workflowId = uniqueId('retrain-reject');
    const handle = await startRetraining(rig, workflowId, { at });
    const waiting = await waitForStage(rig.client, workflowId, 'awaiting-approval');
    assert.equal((await decide(rig.client, workflowId, 'reject', 'demo-approver', { reason: 'not now' })).ok, true);
    const result = await handle.result();
    await maybeRecordHistory(rig.client, workflowId, 'retraining-rejected');
    assert.equal(result.outcome, 'rejected');
    assert.equal(await productionVersion(), before);
    assert.equal((await rig.runtime.deps.registry.get('demand', waiting.candidateVersion!))?.status, 'Rejected');
  });

  it('turns an approval that waits past its deadline into a rejection with an alert', async () => {
    const shortApproval: Variant = {
      configure: (loaded) => {
        loaded.config.models[0]!.retraining.approvalTimeout = '2s';
      },
    };
    await rig.withVariant(shortApproval, async (lane) => {
      const workflowId = uniqueId('retrain-expire');
      const result = await (await startRetraining(lane, workflowId, { at })).result();
      assert.equal(result.outcome, 'expired');
      assert.ok(rig.alerts.some((text) => text.includes('expired')), 'an alert said so');
      assert.ok((await auditActions(workflowId)).includes('approval.expired'));
    });
  });

  it('stops the deploy when the staging smoke test fails, production untouched', async () => {
    const narrowRange: Variant = {
      configure: (loaded) => {
        loaded.contracts.demand!.prediction_range = { min: 0, max: 1 };
      },
    };
    await rig.withVariant(narrowRange, async (lane) => {
      const before = await productionVersion();
      const version = (await rig.runtime.deps.modelHost.listModelVersions('demand')).map((v) => v.version).find((v) => v !== before) ?? 'v1';
      const workflowId = uniqueId('deploy-smoke');
      const result = await rig.client.workflow.execute<typeof deployWorkflow>('deployWorkflow', {
        taskQueue: lane.taskQueue,
        workflowId,
        args: [{ model: 'demand', version, artifactUri: '', requestedBy: 'tester', reason: 'test', sampleWindow: { start: `${addDays(rig.driftDate, -7)}T00:00:00.000Z`, end: `${rig.driftDate}T00:00:00.000Z` } }],
      });
      await maybeRecordHistory(rig.client, workflowId, 'deploy-smoke-failed');
      assert.equal(result.outcome, 'smoke-failed');
      assert.ok(result.staging?.reasons.some((reason) => /range/.test(reason)), result.staging?.reasons.join('; '));
      assert.equal(await productionVersion(), before, 'production unchanged');
      assert.ok(rig.alerts.some((text) => text.includes('staging smoke test failed')));
    });
  });

  it('rolls production back when its verification fails', async () => {
    const before = await productionVersion();
    assert.ok(before !== undefined);
    const target = before === 'v1' ? (await rig.runtime.deps.modelHost.listModelVersions('demand')).map((v) => v.version).find((v) => v !== 'v1')! : 'v1';
    const real = rig.runtime.deps.modelHost;
    // The production endpoint answers garbage once switched to the new version: the model server's
    // "broken" switch, applied right after the real switch.
    const breaking: ModelHost = Object.create(real) as ModelHost;
    breaking.pointEndpoint = async (endpoint, ref, tags) => {
      const move = await real.pointEndpoint(endpoint, ref, tags);
      if (endpoint === 'demand-production' && ref.version === target) {
        const server = (real as unknown as { options: { serverUrl: string } }).options.serverUrl;
        const { readAdminToken } = await import('../../src/model-server/token.js');
        const response = await fetch(`${server}/admin/endpoints/demand-production`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await readAdminToken(`${rig.dir}/model-server`)}` },
          body: JSON.stringify({ model: 'demand', version: target, artifactPath: `${rig.dir}/models/demand/${target}.json`, broken: 'nan' }),
        });
        assert.equal(response.status < 300, true, await response.text());
      }
      return move;
    };
    await rig.withVariant({ deps: { modelHost: breaking } }, async (lane) => {
      const workflowId = uniqueId('deploy-rollback');
      const result = await rig.client.workflow.execute<typeof deployWorkflow>('deployWorkflow', {
        taskQueue: lane.taskQueue,
        workflowId,
        args: [{ model: 'demand', version: target, artifactUri: '', requestedBy: 'tester', reason: 'test', sampleWindow: { start: `${addDays(rig.driftDate, -7)}T00:00:00.000Z`, end: `${rig.driftDate}T00:00:00.000Z` } }],
      });
      await maybeRecordHistory(rig.client, workflowId, 'deploy-rolled-back');
      assert.equal(result.outcome, 'rolled-back', JSON.stringify(result));
      assert.equal(await productionVersion(), before, 'production serves the previous version again');
      assert.ok((await auditActions(workflowId)).includes('deploy.rolled-back'));
      assert.ok(rig.alerts.some((text) => text.includes('rolled back')));
    });
  });

  it('starts one retraining when drift persists in K of N windows, then holds off for the cooldown', async () => {
    const twoOfThree: Variant = {
      configure: (loaded) => {
        Object.assign(loaded.config.models[0]!.retraining.trigger, { k: 2, n: 3, cooldown: '7d', enabled: true });
      },
    };
    await rig.withVariant(twoOfThree, async (lane) => {
      const retrainId = 'vigil-retrain-demand';
      await rig.client.workflow.getHandle(retrainId).terminate('clean slate').catch(() => undefined);
      const daily = async (day: string) => {
        const workflowId = uniqueId('daily-trigger');
        const result = await rig.client.workflow.execute<typeof dailyMonitoringWorkflow>('dailyMonitoringWorkflow', {
          taskQueue: lane.taskQueue,
          workflowId,
          args: [{ model: 'demand', at: `${day}T06:00:00.000Z` }],
        });
        return { workflowId, result };
      };
      const first = await daily(addDays(rig.driftDate, 1));
      const second = await daily(addDays(rig.driftDate, 2));
      const triggered = [first, second].find((run) => run.result.retraining.triggered);
      assert.ok(triggered, `no trigger: ${first.result.retraining.reason} / ${second.result.retraining.reason}`);
      await maybeRecordHistory(rig.client, triggered.workflowId, 'daily-monitoring-triggered');
      assert.equal(triggered.result.retraining.workflowId, retrainId);
      const description = await rig.client.workflow.getHandle(retrainId).describe();
      assert.equal(description.status.name, 'RUNNING');
      const third = await daily(addDays(rig.driftDate, 3));
      assert.equal(third.result.retraining.triggered, false);
      assert.match(third.result.retraining.reason, /cooldown/);
      const audited = await rig.runtime.deps.audit.list({ model: 'demand' });
      assert.equal(audited.filter((event) => event.action === 'retraining.triggered').length, 1, 'one trigger recorded');
      await rig.client.workflow.getHandle(retrainId).terminate('test done');
    });
  });
});
