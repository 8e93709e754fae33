// The worker's Slack interactions endpoint wired to a real retraining run: a verified Approve
// click reaches the workflow's Update and the deploy goes on; a forged click is refused with 401
// and audited; an outsider's click is refused by the validator and audited in the run.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startInteractions } from '../../src/worker/slack-interactions.js';
import { retrainingStatusQuery, type RetrainingStatus } from '../../src/workflows/retraining-messages.js';
import type { retrainingWorkflow } from '../../src/workflows/retraining.js';
import { addDays, startMonitoringRig, type MonitoringRig } from '../support/monitoring-rig.js';
import { freePort } from '../support/free-port.js';
import { uniqueId } from '../support/temporal.js';
import { startRecordingServer, type RecordingServer } from '../adapters/slack/recording-server.js';

const signingSecret = 'test-signing-secret';

function click(workflowId: string, user: string, action: 'vigil_approve' | 'vigil_reject', responseUrl: string) {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user },
    actions: [{ action_id: action, value: JSON.stringify({ workflowId, model: 'demand', version: 'v2' }) }],
    response_url: responseUrl,
    container: { message_ts: '1700000000.000100' },
    channel: { id: 'C1' },
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function signed(body: string, secret = signingSecret, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

describe('Slack approval through the worker', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  let interactions: { close(): Promise<void> } | undefined;
  let url: string;
  let slack: RecordingServer;
  let responseUrl: string;
  const savedAddress = process.env.TEMPORAL_ADDRESS;

  before(async function () {
    this.timeout(600_000);
    rig = await startMonitoringRig();
    const model = rig.loaded.config.models[0]!;
    model.retraining.tolerance = 1;
    Object.assign(model.retraining.smoke, { p50Ms: 2000, p95Ms: 5000, maxMs: 10000 });
    model.approvers = ['U0APPROVER'];
    const port = await freePort();
    rig.loaded.config.slack = {
      botToken: 'xoxb-test',
      signingSecret,
      channel: '#ml',
      interactionsHost: '127.0.0.1',
      interactionsPort: port,
      interactionsPath: '/slack/interactions',
    };
    process.env.TEMPORAL_ADDRESS = rig.env.address;
    // Clicks' response_url points at a local recorder, never at Slack.
    slack = await startRecordingServer();
    responseUrl = `${slack.origin}/actions/T0/1/test`;
    interactions = await startInteractions(rig.loaded, rig.runtime, { responseUrlOrigins: [slack.origin] });
    url = `http://127.0.0.1:${port}/slack/interactions`;
  });

  after(async () => {
    await interactions?.close();
    await slack?.close();
    if (savedAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = savedAddress;
    if (rig !== undefined) rig.loaded.config.slack = undefined;
    await rig?.close();
  });

  async function waitFor(workflowId: string, predicate: (status: RetrainingStatus) => boolean): Promise<RetrainingStatus> {
    const handle = rig.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = await handle.query(retrainingStatusQuery);
      if (predicate(status)) return status;
      if (Date.now() > deadline) throw new Error(`timed out in stage ${status.stage}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('refuses forged clicks and outsiders, applies the approver’s click, and audits all of it', async () => {
    const workflowId = uniqueId('slack-retrain');
    const handle = await rig.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
      taskQueue: rig.taskQueue,
      workflowId,
      args: [{ model: 'demand', reason: 'slack test', at: `${addDays(rig.driftDate, 4)}T06:00:00.000Z` }],
    });
    await waitFor(workflowId, (status) => status.stage === 'awaiting-approval');

    const forgedBody = click(workflowId, 'U0APPROVER', 'vigil_approve', responseUrl);
    const forged = await fetch(url, { method: 'POST', headers: signed(forgedBody, 'wrong-secret'), body: forgedBody });
    assert.equal(forged.status, 401);
    const stale = await fetch(url, { method: 'POST', headers: signed(forgedBody, signingSecret, Math.floor(Date.now() / 1000) - 600), body: forgedBody });
    assert.equal(stale.status, 401, 'a replayed (10 minutes old) request is refused');

    const outsiderBody = click(workflowId, 'U0MALLORY', 'vigil_approve', responseUrl);
    assert.equal((await fetch(url, { method: 'POST', headers: signed(outsiderBody), body: outsiderBody })).status, 200);
    // The click is acked first and applied after: wait for the refusal to land in the run's audit.
    const deadline = Date.now() + 60_000;
    while (!(await rig.runtime.deps.audit.list({ workflowId })).some((event) => event.action === 'approval.refused')) {
      if (Date.now() > deadline) throw new Error('the outsider’s refusal was not audited');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const approverBody = click(workflowId, 'U0APPROVER', 'vigil_approve', responseUrl);
    assert.equal((await fetch(url, { method: 'POST', headers: signed(approverBody), body: approverBody })).status, 200);

    const result = await handle.result();
    assert.equal(result.outcome, 'deployed', JSON.stringify(result));
    const edits = await slack.waitFor(2);
    assert.ok(edits.some((edit) => edit.body.includes('Not applied')), 'the outsider was told it was not applied');
    assert.ok(edits.some((edit) => edit.body.includes('Approved by') && edit.body.includes('replace_original')), 'the message shows who approved');
    assert.equal(result.decidedBy, 'U0APPROVER');
    const inRun = (await rig.runtime.deps.audit.list({ workflowId })).map((event) => `${event.action}:${event.actor}`);
    assert.ok(inRun.includes('approval.refused:U0MALLORY'), inRun.join(', '));
    assert.ok(inRun.includes('approval.approved:U0APPROVER'), inRun.join(', '));
    const refusedRequests = (await rig.runtime.deps.audit.list({})).filter((event) => event.action === 'approval.request-refused');
    assert.equal(refusedRequests.length, 2, 'the forged and the replayed request are audited');
  });
});
