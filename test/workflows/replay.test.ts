// Replays every committed workflow history against the current workflow code: a change that
// would break runs already in flight (non-determinism) fails here.
import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { savedHistories } from '../support/histories.js';
import { workflowBundle } from '../support/temporal.js';

describe('workflow replay of committed histories', function () {
  this.timeout(120_000);

  it('has a history for every workflow type', async () => {
    const histories = await savedHistories();
    const types = new Set(
      histories.map((saved) => saved.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
    );
    for (const type of ['monitorWindowWorkflow', 'dailyMonitoringWorkflow', 'retrainingWorkflow', 'deployWorkflow', 'auditEventWorkflow', 'registerModelWorkflow', 'setReferenceWorkflow', 'cleanupWorkflow']) assert.ok(types.has(type), `no saved history of ${type}`);
  });

  it('replays each history deterministically', async () => {
    const histories = await savedHistories();
    assert.ok(histories.length > 0);
    const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories);
    let replayed = 0;
    for await (const result of results) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
      replayed += 1;
    }
    assert.equal(replayed, histories.length);
  });
});
