// Every activity heartbeats while it runs, also a step that never reports progress itself, and the
// pulse carries the step's own last details forward instead of replacing them: what lets a lost
// worker's step be retried within the heartbeat timeout and resume from what it recorded.
import assert from 'node:assert/strict';
import { heartbeat } from '../../src/activities/shared/activity-context.js';
import { Worker } from '@temporalio/worker';
import { activityPulseWorkerOptions } from '../../src/worker/activity-pulse.js';
import type { auditEventWorkflow } from '../../src/workflows/shared/audit-event.js';
import { testEnv, uniqueId, workflowBundle } from '../support/temporal.js';

describe('the activity pulse', function () {
  this.timeout(120_000);

  it('heartbeats a running step every few seconds and keeps the details the step reported', async () => {
    const env = await testEnv();
    const taskQueue = uniqueId('pulse');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      // A step that records where it is once, then works for 7 s without a word.
      activities: {
        auditRetraining: async () => {
          heartbeat({ step: 'recorded' });
          await new Promise((resolve) => setTimeout(resolve, 7_000));
        },
      },
      ...activityPulseWorkerOptions,
    });
    const beats = new Set<string>();
    let details: unknown;
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof auditEventWorkflow>('auditEventWorkflow', {
        taskQueue,
        workflowId: uniqueId('pulse'),
        args: [{ model: 'demand', actor: 'tester', action: 'test.pulse', workflowId: 'w', runId: 'r', detail: {} }],
      });
      const result = handle.result();
      let done = false;
      void result.finally(() => {
        done = true;
      });
      while (!done) {
        const pending = (await handle.describe()).raw.pendingActivities?.[0];
        const at = pending?.lastHeartbeatTime?.seconds;
        if (at != null) beats.add(String(at));
        if (pending?.heartbeatDetails?.payloads?.[0]?.data != null) details = JSON.parse(Buffer.from(pending.heartbeatDetails.payloads[0].data).toString('utf8'));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await result;
    });
    // The step's own heartbeat at its start, then the pulse's at most 3 s apart over its 7 s.
    assert.ok(beats.size >= 3, `heartbeats seen at ${[...beats].join(', ')}`);
    assert.deepEqual(details, { step: 'recorded' });
  });
});
