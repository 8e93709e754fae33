// Approval integrity on the real dev server: every refused attempt is its own audit row (Update,
// Signal, closed run), a Signal goes through the same checks, and retried side effects (the
// approval message, alerts) are sent once.
import assert from 'node:assert/strict';
import { applyDecision } from '../../src/temporal/approvals.js';
import { decideCommand } from '../../src/client/commands/approvals.js';
import { SlackApprovalChannel } from '../../src/adapters/slack/slack-approval-channel.js';
import type { ApprovalChannel, ApprovalOutcome, ApprovalRequest } from '../../src/ports/approval-channel.js';
import type { Alert } from '../../src/domain/alerts/alert.js';
import type { Notifier, NotifyResult } from '../../src/ports/notifier.js';
import { decideSignal, retrainingStatusQuery } from '../../src/workflows/retraining/messages.js';
import { startRecordingServer } from '../support/slack-recording-server.js';
import { decide, pendingDecisionInput } from '../support/decisions.js';
import { maybeRecordHistory } from '../support/histories.js';
import { addDays, smallDataRetraining, useMonitoringRig, type MonitoringRig, type Variant } from '../support/monitoring-rig.js';
import { startRetraining, waitForStage } from '../support/retraining-runs.js';
import { uniqueId } from '../support/temporal.js';

/** An approval channel that fails its first request, as a channel down for a moment would. */
class FlakyApprovalChannel implements ApprovalChannel {
  readonly channel = 'flaky';
  calls = 0;
  requestApproval(): Promise<{ messageRef?: string }> {
    this.calls += 1;
    return this.calls === 1 ? Promise.reject(new Error('flaky channel: temporarily down')) : Promise.resolve({ messageRef: 'flaky-1' });
  }
  recordOutcome(_request: ApprovalRequest, _ref: string | undefined, _outcome: ApprovalOutcome): Promise<void> {
    return Promise.resolve();
  }
}

class RecordingNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  constructor(
    readonly channel: string,
    private failures = 0,
  ) {}
  notify(alert: Alert): Promise<NotifyResult> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error(`${this.channel}: temporarily down`));
    }
    this.alerts.push(alert);
    return Promise.resolve({ channel: this.channel, messageRef: `${this.channel}-${this.alerts.length}`, updated: false });
  }
}

describe('approval integrity on the dev server', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  let at: string;
  useMonitoringRig({ configure: smallDataRetraining }, (started) => {
    rig = started;
    at = `${addDays(rig.driftDate, 4)}T06:00:00.000Z`;
  });



  async function refusals(workflowId: string): Promise<{ actor: string; detail: Record<string, unknown> }[]> {
    return (await rig.runtime.deps.audit.list({ workflowId }))
      .filter((event) => event.action === 'approval.refused')
      .map((event) => ({ actor: event.actor, detail: event.detail ?? {} }));
  }

  async function waitForRefusals(workflowId: string, count: number): Promise<{ actor: string; detail: Record<string, unknown> }[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await refusals(workflowId);
      if (rows.length >= count) return rows;
      if (Date.now() > deadline) throw new Error(`${rows.length} refusals audited, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('audits every refused attempt as its own row: Update, Signal and a closed run', async () => {
    const workflowId = uniqueId('integrity-audit');
    const handle = await startRetraining(rig, workflowId, { at, reason: 'integrity test' });
    await waitForStage(rig.client, workflowId, 'awaiting-approval');

    for (const who of ['mallory', 'mallory', 'eve', 'mallory']) {
      const outcome = await decide(rig.client, workflowId, 'approve', who);
      assert.equal(outcome.ok, false);
    }
    // A wrong version and an unnamed request are refused too, each with what is pending.
    const stale = await decide(rig.client, workflowId, 'approve', 'demo-approver', { candidateVersion: 'v1' });
    assert.match(stale.ok ? '' : stale.error, /v1 is no longer pending; v\d+ is \(request v\d+-[0-9a-f]{8}\)/);
    assert.equal(stale.ok ? undefined : stale.kind, 'superseded');
    assert.equal((await waitForRefusals(workflowId, 5)).length, 5, 'five refused Updates, five rows');

    // Signals cannot be refused to their sender; the run checks and audits them the same way.
    const valid = await pendingDecisionInput(rig.client, workflowId, 'approve', 'demo-approver');
    await handle.signal(decideSignal, { ...valid, by: 'trudy' });
    await handle.signal(decideSignal, { decision: 'approve', by: 'demo-approver' } as never);
    const afterSignals = await waitForRefusals(workflowId, 7);
    assert.deepEqual(
      afterSignals.map((row) => row.actor),
      ['mallory', 'mallory', 'eve', 'mallory', 'demo-approver', 'trudy', 'demo-approver'],
    );
    assert.equal(afterSignals[6]?.detail.kind, 'malformed');
    assert.equal((await handle.query(retrainingStatusQuery)).stage, 'awaiting-approval', 'no refused signal decided anything');

    await handle.signal(decideSignal, { ...valid, reason: 'by signal' });
    const result = await handle.result();
    assert.equal(result.outcome, 'deployed');
    assert.equal(result.decidedBy, 'demo-approver');

    // The run has closed: the server refuses the Update before any workflow code runs, and the
    // attempt is still audited (by a short audit run).
    const late = await applyDecision(rig.client, { ...valid, decision: 'reject', reason: 'too late' });
    assert.equal(late.ok, false);
    assert.match(late.ok ? '' : late.error, /is no longer pending: run .* has ended/);
    const all = await waitForRefusals(workflowId, 8);
    await maybeRecordHistory(rig.client, workflowId, 'retraining-signal-and-refusals');
    if (process.env.VIGIL_RECORD_HISTORIES === '1') {
      for await (const execution of rig.client.workflow.list({ query: `WorkflowType = 'auditEventWorkflow' AND TaskQueue = '${rig.taskQueue}'` })) {
        await maybeRecordHistory(rig.client, execution.workflowId, 'audit-event-closed-run');
        break;
      }
    }
    assert.equal(all[7]?.detail.runClosed, true);
    assert.equal(all[7]?.detail.error, late.ok ? '' : late.error);
    const approvals = (await rig.runtime.deps.audit.list({ workflowId })).filter((event) => event.action === 'approval.approved');
    assert.equal(approvals.length, 1);
    assert.equal(approvals[0]?.detail?.via, 'cli');
  });

  it('vigil approve needs --version: without it, it shows what is pending; with a stale one, it is refused', async () => {
    const workflowId = uniqueId('integrity-cli');
    const handle = await startRetraining(rig, workflowId, { at, reason: 'integrity test' });
    const status = await waitForStage(rig.client, workflowId, 'awaiting-approval');
    const pending = status.pendingDecision!;
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = rig.env.address;
    try {
      await assert.rejects(
        decideCommand(workflowId, 'approve', { as: 'demo-approver' }),
        (error: Error) => error.message.includes(`--version is required. Pending in ${workflowId}: ${pending.candidateVersion} (request ${pending.requestId}`),
      );
      await assert.rejects(decideCommand(workflowId, 'approve', { as: 'demo-approver', version: 'v1' }), /not applied: v1 is no longer pending; v\d+ is/);
      await decideCommand(workflowId, 'reject', { as: 'demo-approver', version: pending.candidateVersion, reason: 'cli test' });
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    }
    const result = await handle.result();
    assert.equal(result.outcome, 'rejected');
    assert.equal((await refusals(workflowId)).length, 1, 'the stale --version attempt is audited');
  });

  it('posts the approval request once when its step is retried, and sends each alert once', async () => {
    const slack = await startRecordingServer(() => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, channel: 'C123', ts: '1714564800.000100', message: {} }),
    }));
    const flaky = new FlakyApprovalChannel();
    const steady = new RecordingNotifier('steady');
    const wobbly = new RecordingNotifier('wobbly', 1);
    const variant: Variant = {
      configure: (loaded) => {
        loaded.config.models[0]!.retraining.approvalTimeout = '4s';
      },
      deps: {
        approvals: [new SlackApprovalChannel({ token: 'xoxb-test', channel: '#approvals', apiUrl: `${slack.origin}/api/` }), flaky],
        notifiers: [steady, wobbly],
      },
    };
    try {
      const workflowId = uniqueId('integrity-once');
      const result = await rig.withVariant(variant, async (lane) => (await startRetraining(lane, workflowId, { at, reason: 'integrity test' })).result());
      assert.equal(result.outcome, 'expired');
      assert.equal(flaky.calls, 2, 'the step was retried');
      const paths = slack.requests.map((request) => request.path);
      assert.equal(paths.filter((path) => path === '/api/chat.postMessage').length, 1, paths.join(', '));
      // The retry brought the posted message up to date; the outcome edited it once more.
      assert.deepEqual(paths, ['/api/chat.postMessage', '/api/chat.update', '/api/chat.update']);

      // The expiry alert: one channel failed once; the retry sent only to it.
      assert.equal(steady.alerts.length, 1, steady.alerts.map((alert) => alert.title).join(', '));
      assert.equal(wobbly.alerts.length, 1);
      assert.ok(steady.alerts[0]?.idempotencyKey !== undefined && steady.alerts[0].idempotencyKey === wobbly.alerts[0]?.idempotencyKey);
    } finally {
      await slack.close();
    }
  });
});
