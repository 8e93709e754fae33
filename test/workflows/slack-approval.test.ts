// The worker's Slack interactions endpoint wired to a real retraining run: a verified Approve
// click reaches the workflow's Update and the deploy goes on; a forged click is refused with 401
// and audited; an outsider's click is refused by the validator and audited in the run.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { LoadedConfig } from '../../src/config/load.js';
import { startInteractions } from '../../src/worker/slack-interactions.js';
import { retrainingStatusQuery, type RetrainingStatus } from '../../src/workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../../src/workflows/retraining/retraining.js';
import { addDays, smallDataRetraining, startMonitoringRig, type MonitoringRig } from '../support/monitoring-rig.js';
import { freePort } from '../support/free-port.js';
import { uniqueId } from '../support/temporal.js';
import { startRecordingServer, type RecordingServer } from '../support/slack-recording-server.js';

const signingSecret = 'test-signing-secret';

/** What a button carries: the run, request and version its message showed. */
interface Button {
  workflowId: string;
  runId: string;
  requestId: string;
  version: string;
}

function click(button: Button, user: string, action: 'vigil_approve' | 'vigil_reject', responseUrl: string): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user },
    actions: [{ action_id: action, value: JSON.stringify({ workflowId: button.workflowId, runId: button.runId, requestId: button.requestId, model: 'demand', version: button.version }) }],
    response_url: responseUrl,
    container: { message_ts: '1700000000.000100' },
    channel: { id: 'C1' },
    message: { blocks: [{ type: 'section', block_id: 'ask', text: { type: 'mrkdwn', text: `Approve demand ${button.version}?` } }, { type: 'actions', block_id: 'vigil_approval_actions', elements: [] }] },
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
  /** The rig's config with the Slack section the interactions endpoint reads. */
  let withSlack: LoadedConfig;
  let interactions: { close(): Promise<void> } | undefined;
  let url: string;
  let slack: RecordingServer;
  let responseUrl: string;
  const savedAddress = process.env.TEMPORAL_ADDRESS;

  before(async function () {
    this.timeout(600_000);
    rig = await startMonitoringRig({
      configure: (loaded) => {
        smallDataRetraining(loaded);
        loaded.config.models[0]!.approvers = [{ channel: 'slack', id: 'U0APPROVER' }];
      },
    });
    const port = await freePort();
    // Only the endpoint sees Slack configured: the worker's channels stay the console.
    withSlack = {
      ...rig.loaded,
      config: {
        ...rig.loaded.config,
        slack: {
          botToken: 'xoxb-test',
          signingSecret,
          channel: '#ml',
          interactionsHost: '127.0.0.1',
          interactionsPort: port,
          interactionsPath: '/slack/interactions',
        },
      },
    };
    process.env.TEMPORAL_ADDRESS = rig.env.address;
    // Clicks' response_url points at a local recorder, never at Slack.
    slack = await startRecordingServer();
    responseUrl = `${slack.origin}/actions/T0/1/test`;
    interactions = await startInteractions(withSlack, rig.runtime, { responseUrlOrigins: [slack.origin] });
    url = `http://127.0.0.1:${port}/slack/interactions`;
  });

  after(async () => {
    await interactions?.close();
    await slack?.close();
    if (savedAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = savedAddress;
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

  /** The button of the request `workflowId`'s current run is waiting on. */
  async function pendingButton(workflowId: string): Promise<Button> {
    const status = await waitFor(workflowId, (current) => current.stage === 'awaiting-approval');
    const { runId } = await rig.client.workflow.getHandle(workflowId).describe();
    const pending = status.pendingDecision!;
    return { workflowId, runId, requestId: pending.requestId, version: pending.candidateVersion };
  }

  async function post(body: string, headers = signed(body)): Promise<number> {
    return (await fetch(url, { method: 'POST', headers, body })).status;
  }

  async function refusedInRun(workflowId: string, count: number): Promise<string[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = (await rig.runtime.deps.audit.list({ workflowId })).filter((event) => event.action === 'approval.refused');
      if (rows.length >= count) return rows.map((event) => `${event.actor}:${String(event.detail?.error)}`);
      if (Date.now() > deadline) throw new Error(`${rows.length} refusals audited, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('refuses forged, stale and replayed requests and outsiders, applies the approver’s click once, and audits all of it', async () => {
    const workflowId = uniqueId('slack-retrain');
    const handle = await rig.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
      taskQueue: rig.taskQueue,
      workflowId,
      args: [{ model: 'demand', reason: 'slack test', at: `${addDays(rig.driftDate, 4)}T06:00:00.000Z` }],
    });
    const button = await pendingButton(workflowId);

    const forgedBody = click(button, 'U0APPROVER', 'vigil_approve', responseUrl);
    assert.equal(await post(forgedBody, signed(forgedBody, 'wrong-secret')), 401);
    assert.equal(await post(forgedBody, signed(forgedBody, signingSecret, Math.floor(Date.now() / 1000) - 600)), 401, 'a 10-minute-old request is refused');

    const outsiderBody = click(button, 'U0MALLORY', 'vigil_approve', responseUrl);
    assert.equal(await post(outsiderBody), 200);
    const [outsider] = await refusedInRun(workflowId, 1);
    assert.equal(outsider, 'U0MALLORY:U0MALLORY is not an approver of demand on slack', 'the refusal names no approver');

    const approverBody = click(button, 'U0APPROVER', 'vigil_approve', responseUrl);
    const approverHeaders = signed(approverBody);
    assert.equal(await post(approverBody, approverHeaders), 200);
    // The same signed request again, inside Slack's five minutes: refused, never applied twice.
    assert.equal(await post(approverBody, approverHeaders), 401);

    const result = await handle.result();
    assert.equal(result.outcome, 'deployed', JSON.stringify(result));
    assert.equal(result.decidedBy, 'U0APPROVER');
    const edits = await slack.waitFor(2);
    assert.ok(edits.some((edit) => edit.body.includes('Not applied')), 'the outsider was told it was not applied');
    assert.ok(edits.some((edit) => edit.body.includes(`Approved by <@U0APPROVER>: demand ${button.version}`) && edit.body.includes('replace_original')));
    const inRun = (await rig.runtime.deps.audit.list({ workflowId })).map((event) => `${event.action}:${event.actor}`);
    assert.deepEqual(inRun.filter((entry) => entry.startsWith('approval.')), ['approval.refused:U0MALLORY', 'approval.approved:U0APPROVER']);
    // Refused requests are audited one row per source and minute with a count; closing the
    // endpoint reports the minute's last count.
    await interactions?.close();
    interactions = await startInteractions(withSlack, rig.runtime, { responseUrlOrigins: [slack.origin] });
    const refusedRequests = (await rig.runtime.deps.audit.list({})).filter((event) => event.action === 'approval.request-refused');
    assert.ok(refusedRequests.length >= 1 && refusedRequests.length <= 2, `${refusedRequests.length} rows (two only across a minute boundary)`);
    const counted = refusedRequests.reduce((sum, event) => sum + Number(event.detail?.count), 0);
    assert.equal(counted, 3, 'the forged, the stale and the replayed request');
  });

  it('refuses a stale button from an earlier run of the same workflow id; nothing deploys from it', async () => {
    const workflowId = uniqueId('slack-stale');
    const start = () =>
      rig.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
        taskQueue: rig.taskQueue,
        workflowId,
        args: [{ model: 'demand', reason: 'slack stale test', at: `${addDays(rig.driftDate, 4)}T06:00:00.000Z` }],
      });
    const production = async () => (await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion;

    // Run 1 asks about its candidate; the approver rejects it.
    const first = await start();
    const oldButton = await pendingButton(workflowId);
    assert.equal(await post(click(oldButton, 'U0APPROVER', 'vigil_reject', responseUrl)), 200);
    assert.equal((await first.result()).outcome, 'rejected');

    // Run 2 of the same workflow id asks about a newer candidate.
    const second = await start();
    const newButton = await pendingButton(workflowId);
    assert.notEqual(newButton.version, oldButton.version);
    assert.notEqual(newButton.runId, oldButton.runId);
    const before = await production();

    // A signed click on run 1's old Approve button: refused, and its message redrawn to say so.
    const seen = slack.requests.length;
    assert.equal(await post(click(oldButton, 'U0APPROVER', 'vigil_approve', responseUrl)), 200);
    const [edit] = (await slack.waitFor(seen + 1)).slice(seen);
    assert.ok(edit !== undefined);
    const body = JSON.parse(edit.body) as { replace_original?: boolean; text?: string; blocks?: { type: string }[] };
    assert.equal(body.replace_original, true, 'the stale message itself is edited');
    assert.match(body.text ?? '', new RegExp(`No longer pending: demand ${oldButton.version}.*${newButton.version} is pending in run ${newButton.runId}`));
    assert.ok(!(body.blocks ?? []).some((block) => block.type === 'actions'), 'its buttons are gone');
    const stale = await refusedInRun(workflowId, 1);
    assert.match(stale[0] ?? '', /has ended/);

    assert.equal((await second.query(retrainingStatusQuery)).stage, 'awaiting-approval', 'run 2 still waits for its own decision');
    assert.equal(await production(), before, 'nothing deployed');
    assert.equal((await rig.runtime.deps.registry.get('demand', newButton.version))?.status, 'PendingManualApproval');

    // Run 2's own button still works.
    assert.equal(await post(click(newButton, 'U0APPROVER', 'vigil_reject', responseUrl)), 200);
    const result = await second.result();
    assert.equal(result.outcome, 'rejected');
    assert.equal(result.candidateVersion, newButton.version);
  });
});
