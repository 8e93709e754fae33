// A model trained elsewhere, served where Vigil cannot describe it: `vigil model register` makes it
// an approved version through the worker, and the next retraining names its candidate after it,
// reports it as the champion and evaluates it at the gate.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { retrainingStatusQuery, type RetrainingResult } from '../../src/workflows/retraining/messages.js';
import type { registerModelWorkflow } from '../../src/workflows/retraining/register-model.js';
import { registerModelWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { decide } from '../support/decisions.js';
import { maybeRecordHistory } from '../support/histories.js';
import { addDays, startMonitoringRig, type Lane, type MonitoringRig } from '../support/monitoring-rig.js';
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
});
