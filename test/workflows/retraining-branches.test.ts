// The retraining branches the real adapters cannot take on demand, on the dev server with the real
// workflows and the real activities, one of them replaced: training that fails, a candidate worse
// than its champion, and a deploy whose production verification and then rollback both fail.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DeployStage } from '../../src/domain/deploy/types.js';
import { deployStageQuery } from '../../src/workflows/deploy/messages.js';
import { retrainingStatusQuery, type RetrainingResult } from '../../src/workflows/retraining/messages.js';
import { deployWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { decide } from '../support/decisions.js';
import { addDays, startMonitoringRig, type MonitoringRig } from '../support/monitoring-rig.js';
import { startRetraining, waitForStage } from '../support/retraining-runs.js';
import { withReplacedActivities, type VigilActivities } from '../support/stubbed-worker.js';
import { uniqueId } from '../support/temporal.js';

/** Every message in a failure and its causes, outermost first. */
function causeMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages;
}

describe('retraining branches with a replaced activity', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  let at: string;

  before(async function () {
    this.timeout(600_000);
    rig = await startMonitoringRig();
    at = `${addDays(rig.driftDate, 4)}T06:00:00.000Z`;
    const retraining = rig.loaded.config.models[0]!.retraining;
    // The gate is failed on purpose below; the smoke test's latency bounds leave room for a busy machine.
    retraining.tolerance = 1;
    Object.assign(retraining.smoke, { p50Ms: 2000, p95Ms: 5000, maxMs: 10000 });
  });

  after(async () => {
    await rig?.close();
  });

  const productionVersion = async (): Promise<string | undefined> => (await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion;

  async function audited(workflowId: string): Promise<{ action: string; detail: Record<string, unknown> | undefined }[]> {
    return (await rig.runtime.deps.audit.list({ workflowId })).map((event) => ({ action: event.action, detail: event.detail }));
  }

  function run<T>(replace: (real: VigilActivities) => Partial<VigilActivities>, work: (taskQueue: string) => Promise<T>): Promise<T> {
    return withReplacedActivities(rig.env, rig.runtime.deps, replace, work);
  }

  it('training failed: alerts, audits, stops in "failed" without registering a candidate', async () => {
    const workflowId = uniqueId('retrain-training-failed');
    const before = await productionVersion();
    await run(
      (real) => ({
        // The real pipeline runs to its end; its execution is then reported failed.
        waitForTraining: async (args) => ({ ...(await real.waitForTraining(args)), status: 'Failed', failureReason: 'the training step ran out of memory', result: undefined }),
      }),
      async (taskQueue) => {
        const handle = await startRetraining({ client: rig.client, taskQueue }, workflowId, { at });
        const result: RetrainingResult = await handle.result();
        assert.equal(result.outcome, 'training-failed', JSON.stringify(result));
        const candidate = result.candidateVersion!;
        assert.ok(candidate !== undefined);
        assert.equal((await handle.query(retrainingStatusQuery)).stage, 'failed');
        const events = await audited(workflowId);
        assert.deepEqual(events.map((event) => event.action).sort(), ['retraining.started', 'retraining.training-failed']);
        assert.match(String(events.find((event) => event.action === 'retraining.training-failed')?.detail?.reason), /ran out of memory/);
        assert.ok(rig.alerts.some((text) => text.includes('CRITICAL demand: retraining of demand failed') && text.includes('ran out of memory')), rig.alerts.join('\n'));
        assert.equal(await rig.runtime.deps.registry.get('demand', candidate), undefined, 'nothing registered');
        assert.equal(await productionVersion(), before, 'production unchanged');
      },
    );
  });

  it('gate failed: a candidate worse than its champion is rejected before anyone is asked', async () => {
    const workflowId = uniqueId('retrain-gate-failed');
    const before = await productionVersion();
    await run(
      (real) => ({
        // The real execution, with a candidate three times the champion's RMSE (the bound is twice).
        waitForTraining: async (args) => {
          const execution = await real.waitForTraining(args);
          const trained = execution.result;
          assert.ok(trained?.champion?.rmse != null, 'the pipeline evaluated the champion');
          return { ...execution, result: { ...trained, candidate: { ...trained.candidate, rmse: trained.champion.rmse * 3 } } };
        },
      }),
      async (taskQueue) => {
        const handle = await startRetraining({ client: rig.client, taskQueue }, workflowId, { at });
        const result: RetrainingResult = await handle.result();
        assert.equal(result.outcome, 'gate-failed', JSON.stringify(result));
        const candidate = result.candidateVersion!;
        const status = await handle.query(retrainingStatusQuery);
        assert.equal(status.stage, 'rejected');
        assert.equal(status.pendingDecision, undefined, 'no approval was asked for');
        const registered = await rig.runtime.deps.registry.get('demand', candidate);
        assert.equal(registered?.status, 'Rejected');
        const events = await audited(workflowId);
        assert.deepEqual(events.map((event) => event.action).sort(), ['retraining.gate-failed', 'retraining.started']);
        assert.match(String(events.find((event) => event.action === 'retraining.gate-failed')?.detail?.gate), /candidate RMSE .* > champion/);
        assert.ok(rig.alerts.some((text) => text.includes(`WARNING demand: candidate ${candidate} of demand failed the gate`)), rig.alerts.join('\n'));
        assert.equal(await productionVersion(), before, 'production unchanged');
      },
    );
  });

  it('rollback failed: production fails its verification, the rollback fails too, on-call is paged and both runs fail', async () => {
    const workflowId = uniqueId('retrain-rollback-failed');
    const before = await productionVersion();
    assert.ok(before !== undefined);
    await run(
      (real) => ({
        // Staging passes its real smoke test; production fails its verification.
        smokeTest: async (args) =>
          args.endpoint === 'demand-production' ? { passed: false, reasons: ['production answered NaN'], stats: {} } : real.smokeTest(args),
        rollbackEndpoint: () => Promise.reject(ApplicationFailure.create({ message: 'the endpoint refused the rollback', type: 'ROLLBACK_REFUSED', nonRetryable: true })),
      }),
      async (taskQueue) => {
        const handle = await startRetraining({ client: rig.client, taskQueue }, workflowId, { at });
        const waiting = await waitForStage(rig.client, workflowId, 'awaiting-approval');
        const candidate = waiting.candidateVersion!;
        assert.equal((await decide(rig.client, workflowId, 'approve', 'demo-approver', { reason: 'ship it' })).ok, true);

        await assert.rejects(handle.result(), (error: unknown) => {
          assert.ok(error instanceof WorkflowFailedError, String(error));
          assert.ok(causeMessages(error).some((message) => message.includes('the endpoint refused the rollback')), causeMessages(error).join(' <- '));
          return true;
        });

        const deployId = deployWorkflowId('demand', candidate);
        const deploy = rig.client.workflow.getHandle(deployId);
        assert.equal((await deploy.describe()).status.name, 'FAILED');
        assert.equal(await deploy.query<DeployStage>(deployStageQuery), 'rollback-failed');
        const actions = (await audited(deployId)).map((event) => event.action);
        for (const action of ['deploy.verify-production', 'deploy.rolling-back', 'deploy.rollback-failed']) assert.ok(actions.includes(action), `${action} in ${actions.join(',')}`);
        for (const action of ['deploy.rolled-back', 'deploy.done']) assert.ok(!actions.includes(action), `no ${action} in ${actions.join(',')}`);
        assert.ok(
          rig.alerts.some((text) => text.includes(`rollback of demand-production to ${before} FAILED: production may still serve ${candidate}`) && text.includes('production answered NaN')),
          rig.alerts.join('\n'),
        );
        const { rows } = await rig.runtime.deps.warehouse.query(`SELECT stage, status, previous_version FROM deployments WHERE workflow_id = '${deployId}' AND status = 'rollback-failed'`);
        assert.deepEqual(rows, [{ stage: 'production', status: 'rollback-failed', previous_version: before }]);
        assert.ok((await audited(workflowId)).some((event) => event.action === 'approval.approved'));
        assert.equal(await productionVersion(), candidate, 'production still serves the candidate: the rollback did not happen');
      },
    );
  });
});
