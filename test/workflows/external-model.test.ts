// A model trained elsewhere, served where Vigil cannot describe it: `vigil model register` makes it
// an approved version through the worker, and the next retraining names its candidate after it,
// reports it as the champion and evaluates it at the gate.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { retrainingStatusQuery, type RetrainingResult } from '../../src/workflows/retraining/messages.js';
import type { MonitorWindowResult } from '../../src/domain/monitoring/types.js';
import type { monitorWindowWorkflow } from '../../src/workflows/monitoring/monitor-window.js';
import type { registerModelWorkflow } from '../../src/workflows/retraining/register-model.js';
import type { setReferenceWorkflow } from '../../src/workflows/retraining/set-reference.js';
import { registerModelWorkflowId, setReferenceWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { decide } from '../support/decisions.js';
import { maybeRecordHistory } from '../support/histories.js';
import { addDays, startMonitoringRig, weekEndingOn, type Lane, type MonitoringRig } from '../support/monitoring-rig.js';
import { startRetraining, waitForStage } from '../support/retraining-runs.js';
import { uniqueId } from '../support/temporal.js';

function causeMessages(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages.join(' <- ');
}

describe('an externally trained production model', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;

  before(async function () {
    this.timeout(600_000);
    rig = await startMonitoringRig();
  });

  after(async () => {
    await rig?.close();
  });

  // Production is served outside Vigil: its endpoint is nothing Vigil's host can describe.
  const servedElsewhere = {
    configure: (loaded: Lane['loaded']) => {
      loaded.config.models[0]!.endpoints.production = 'demand-served-elsewhere';
    },
  };

  const register = (lane: Lane, version: string, workflowId = registerModelWorkflowId('demand', version)) =>
    lane.client.workflow.execute<typeof registerModelWorkflow>('registerModelWorkflow', {
      taskQueue: lane.taskQueue,
      workflowId,
      args: [{ model: 'demand', version, by: 'alice', reason: 'the model serving before Vigil' }],
    });

  it('is registered once, approved, and becomes the champion a retraining compares with', async () => {
    await rig.withVariant(servedElsewhere, async (lane) => {
      assert.equal(await lane.deps.modelHost.describeEndpoint('demand-served-elsewhere'), undefined);
      const workflowId = registerModelWorkflowId('demand', 'v1');
      const registered = await register(lane, 'v1');
      await maybeRecordHistory(rig.client, workflowId, 'register-model');
      assert.deepEqual([registered.version, registered.status, registered.decidedBy], ['v1', 'Approved', 'alice']);
      assert.deepEqual(registered.reference, { kind: 'baseline', version: 'v1' });
      const audit = await lane.deps.audit.list({ workflowId });
      assert.deepEqual(
        audit.map((event) => [event.action, event.actor]),
        [['model.registered', 'alice']],
      );

      // The same name under another run is refused, naming what holds it.
      await assert.rejects(register(lane, 'v1', uniqueId('register-again')), (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.match(causeMessages(error), /demand already has a version v1 \(Approved, .*register the external model under another name/);
        return true;
      });

      const retrainingId = uniqueId('retrain-external');
      const handle = await startRetraining(lane, retrainingId, { at: `${addDays(rig.driftDate, 4)}T06:00:00.000Z` });
      await waitForStage(lane.client, retrainingId, 'awaiting-approval');
      const status = await handle.query(retrainingStatusQuery);
      assert.equal(status.candidateVersion, 'v2', 'the candidate is named after the registered champion, never v1');
      const started = (await lane.deps.audit.list({ workflowId: retrainingId })).find((event) => event.action === 'retraining.started');
      assert.equal(started?.detail?.championVersion, 'v1');
      const candidate = await lane.deps.registry.get('demand', 'v2');
      assert.equal(typeof candidate?.metrics.champion_rmse, 'number', 'the gate had the champion evaluated on the holdout');
      await decide(lane.client, retrainingId, 'reject', 'demo-approver', { reason: 'test ends here' });
      const result: RetrainingResult = await handle.result();
      assert.equal(result.outcome, 'rejected');
    });
  });

  it('vigil baseline set: the registered version is compared with days of its log from then on, and back with the configured baseline', async () => {
    await rig.withVariant(servedElsewhere, async (lane) => {
      // Registered by the test before, or now when run alone.
      await register(lane, 'v1').catch(() => undefined);
      // Windows are monitored by the rig's own worker: rows logged without a prediction are scored
      // through its production endpoint. The registry is the same.
      const monitor = (workflowId: string): Promise<MonitorWindowResult> =>
        rig.client.workflow.execute<typeof monitorWindowWorkflow>('monitorWindowWorkflow', {
          taskQueue: rig.taskQueue,
          workflowId,
          args: [{ model: 'demand', window: weekEndingOn(addDays(rig.driftDate, -1)) }],
        });
      const setReference = async (reference: Parameters<typeof setReferenceWorkflow>[0]['reference'], name?: string) => {
        const workflowId = setReferenceWorkflowId('demand', 'v1', new Date().toISOString());
        const updated = await lane.client.workflow.execute<typeof setReferenceWorkflow>('setReferenceWorkflow', {
          taskQueue: lane.taskQueue,
          workflowId,
          args: [{ model: 'demand', version: 'v1', reference, by: 'alice', reason: 'the first week is the reference' }],
        });
        if (name !== undefined) await maybeRecordHistory(rig.client, workflowId, name);
        const audit = await lane.deps.audit.list({ workflowId });
        assert.deepEqual(audit.map((event) => [event.action, event.actor]), [['reference.set', 'alice']]);
        return updated;
      };

      const firstWeek = { start: `${rig.scenario.startDate}T00:00:00.000Z`, end: `${addDays(rig.scenario.startDate, 7)}T00:00:00.000Z` };
      const set = await setReference({ kind: 'training-window', version: 'v1', window: firstWeek, labelsAsOf: `${addDays(rig.driftDate, 4)}T00:00:00Z` }, 'set-reference');
      assert.deepEqual(set.reference, { kind: 'training-window', version: 'v1', window: firstWeek, labelsAsOf: `${addDays(rig.driftDate, 4)}T00:00:00.000Z` });
      const onWindow = await monitor(uniqueId('monitor-set-reference'));
      assert.deepEqual(onWindow.analysis?.reference, { kind: 'training-window', version: 'v1' });

      await setReference({ kind: 'baseline' });
      const onBaseline = await monitor(uniqueId('monitor-baseline-again'));
      assert.deepEqual(onBaseline.analysis?.reference, { kind: 'baseline' });

      await assert.rejects(
        lane.client.workflow.execute<typeof setReferenceWorkflow>('setReferenceWorkflow', {
          taskQueue: lane.taskQueue,
          workflowId: uniqueId('set-reference-unknown'),
          args: [{ model: 'demand', version: 'v77', reference: { kind: 'baseline' }, by: 'alice', reason: 'typo' }],
        }),
        (error: unknown) => error instanceof WorkflowFailedError && /model demand has no registered version v77/.test(causeMessages(error)),
      );
    });
  });
});

