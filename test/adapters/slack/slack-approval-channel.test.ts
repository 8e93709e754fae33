import assert from 'node:assert/strict';
import { SlackApprovalChannel } from '../../../src/adapters/slack/slack-approval-channel.js';
import type { ApprovalRequest } from '../../../src/ports/approval-channel.js';
import { startRecordingServer, type RecordedRequest, type RecordingServer } from '../../support/slack-recording-server.js';

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { type: string; text: string | { text: string }; action_id?: string; style?: string; value?: string; confirm?: unknown }[];
}

interface WebApiCall {
  method: string;
  authorization: string | undefined;
  args: URLSearchParams;
  blocks: Block[];
}

const request: ApprovalRequest = {
  workflowId: 'retrain-demand-42',
  runId: 'run-1',
  requestId: 'v8-0a1b2c3d',
  model: 'demand',
  candidateVersion: 'v8',
  championVersion: 'v7',
  reason: 'prediction drift over threshold <!channel>',
  report: {
    holdoutWindow: { start: '2024-04-24', end: '2024-04-30' },
    candidate: { rows: 12345, rmse: 9.8123, mae: 7.1 },
    champion: { rows: 12345, rmse: 41.2, mae: null },
    gate: 'candidate RMSE 9.812 <= champion 41.2 x 1.05',
  },
  approvers: [
    { channel: 'slack', id: 'U0APPROVER' },
    { channel: 'cli', id: 'ops-lead' },
  ],
  deadline: '2024-05-02T12:00:00Z',
  runUrl: 'http://localhost:8233/namespaces/default/workflows/retrain-demand-42',
};

const allText = (blocks: Block[]): string => JSON.stringify(blocks);

/** The mrkdwn of a context block's first element. */
function contextText(block: Block | undefined): string {
  assert.equal(block?.type, 'context');
  const text = block?.elements?.[0]?.text;
  assert.equal(typeof text, 'string');
  return typeof text === 'string' ? text : '';
}

describe('SlackApprovalChannel against a stand-in Web API', function () {
  let slack: RecordingServer;
  let channel: SlackApprovalChannel;
  let apiError: string | undefined;

  before(async () => {
    slack = await startRecordingServer(() => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(
        apiError !== undefined
          ? { ok: false, error: apiError }
          : { ok: true, channel: 'C123', ts: '1714564800.000100', message: {} },
      ),
    }));
    channel = new SlackApprovalChannel({ token: 'xoxb-test', channel: '#approvals', apiUrl: `${slack.origin}/api/` });
  });
  after(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.requests.length = 0;
    apiError = undefined;
  });

  function webApiCall(recorded: RecordedRequest | undefined): WebApiCall {
    assert.ok(recorded, 'no call reached the Web API');
    const args = new URLSearchParams(recorded.body);
    const blocks = JSON.parse(args.get('blocks') ?? '[]') as Block[];
    return { method: recorded.path, authorization: recorded.headers.authorization, args, blocks };
  }

  it('posts the request with the comparison, approvers, deadline, run link and both buttons', async () => {
    const posted = await channel.requestApproval(request);
    assert.deepEqual(posted, { messageRef: 'C123:1714564800.000100' });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.method, '/api/chat.postMessage');
    assert.equal(call.authorization, 'Bearer xoxb-test');
    assert.equal(call.args.get('channel'), '#approvals');
    assert.match(call.args.get('text') ?? '', /^Approve demand v8\?/);

    const [header, reason, comparison, gate, people] = call.blocks;
    assert.equal(header?.type, 'header');
    assert.equal(header?.text?.text, 'Approve demand v8?');
    assert.equal(reason?.text?.text, '*Reason*\nprediction drift over threshold &lt;!channel&gt;', 'markup in the reason is escaped');
    assert.match(comparison?.text?.text ?? '', /holdout window 2024-04-24 → 2024-04-30/);
    assert.deepEqual(comparison?.fields?.map((field) => field.text), [
      '*Challenger v8*\nrows 12,345\nRMSE 9.812\nMAE 7.1',
      '*Champion v7*\nrows 12,345\nRMSE 41.2\nMAE n/a',
    ]);
    assert.equal(gate?.text?.text, '*Gate*\ncandidate RMSE 9.812 &lt;= champion 41.2 x 1.05');
    assert.equal(people?.fields?.[0]?.text, '*Approvers*\n<@U0APPROVER>', 'only the approvers whose click counts on Slack');
    assert.match(people?.fields?.[1]?.text ?? '', /^\*Deadline\*\n<!date\^1714651200\^.*\|2024-05-02T12:00:00.000Z>$/);
    assert.match(allText(call.blocks), /<http:\/\/localhost:8233\/namespaces\/default\/workflows\/retrain-demand-42\|Open the run in the Temporal UI>/);

    const actions = call.blocks.at(-1);
    assert.equal(actions?.type, 'actions');
    const [approve, reject] = actions?.elements ?? [];
    assert.equal(approve?.action_id, 'vigil_approve');
    assert.equal(approve?.style, 'primary');
    assert.ok(approve?.confirm, 'approving asks for confirmation');
    assert.equal(reject?.action_id, 'vigil_reject');
    assert.equal(reject?.style, 'danger');
    for (const button of [approve, reject]) {
      assert.deepEqual(JSON.parse(button?.value ?? ''), { workflowId: 'retrain-demand-42', runId: 'run-1', requestId: 'v8-0a1b2c3d', model: 'demand', version: 'v8' });
    }
  });

  it('shows a first version without a champion and leaves the run link out when there is none', async () => {
    const { championVersion: _champion, runUrl: _run, ...rest } = request;
    await channel.requestApproval({ ...rest, report: { ...request.report, champion: undefined } });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.blocks[2]?.fields?.[1]?.text, '*Champion*\nnone (first version)');
    assert.doesNotMatch(allText(call.blocks), /Temporal UI/);
  });

  it('tags the message with its request, and edits it instead of posting again when retried', async () => {
    await channel.requestApproval(request);
    const metadata = JSON.parse(webApiCall(slack.requests[0]).args.get('metadata') ?? '{}') as { event_type?: string; event_payload?: Record<string, string> };
    assert.equal(metadata.event_type, 'vigil_approval_request');
    assert.equal(metadata.event_payload?.request_id, 'v8-0a1b2c3d');
    const again = await channel.requestApproval(request, 'C123:1714564800.000100');
    assert.deepEqual(again, { messageRef: 'C123:1714564800.000100' });
    assert.equal(slack.requests.length, 2);
    const update = webApiCall(slack.requests[1]);
    assert.equal(update.method, '/api/chat.update');
    assert.equal(update.args.get('ts'), '1714564800.000100');
    assert.ok(update.blocks.some((block) => block.type === 'actions'), 'the request stays answerable');
  });

  it('refuses a workflow id that would not fit in a button value', async () => {
    await assert.rejects(channel.requestApproval({ ...request, workflowId: 'w'.repeat(2000) }), /Slack allows 2000/);
    assert.equal(slack.requests.length, 0);
  });

  it('surfaces a Web API error', async () => {
    apiError = 'channel_not_found';
    await assert.rejects(channel.requestApproval(request), /channel_not_found/);
  });

  it('records an approval by replacing the buttons with who approved, when and why', async () => {
    await channel.recordOutcome(request, 'C123:1714564800.000100', { decision: 'approved', by: 'U0APPROVER', reason: 'looks good', at: '2024-05-01T13:00:00Z' });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.method, '/api/chat.update');
    assert.equal(call.args.get('channel'), 'C123');
    assert.equal(call.args.get('ts'), '1714564800.000100');
    assert.equal(call.args.get('text'), 'Approved by <@U0APPROVER> at 2024-05-01T13:00:00Z — looks good');
    assert.ok(!call.blocks.some((block) => block.type === 'actions'), 'the buttons are gone');
    assert.equal(call.blocks[0]?.text?.text, 'Approve demand v8?', 'the request itself stays');
    assert.match(contextText(call.blocks.at(-1)), /Approved by <@U0APPROVER> at <!date\^1714568400\^[^|]*\|2024-05-01T13:00:00.000Z> — looks good/);
  });

  it('records a rejection from the CLI by name', async () => {
    await channel.recordOutcome(request, 'C123:1714564800.000100', { decision: 'rejected', by: 'ops-lead', at: '2024-05-01T13:00:00Z' });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.args.get('text'), 'Rejected by ops-lead at 2024-05-01T13:00:00Z');
    assert.ok(!call.blocks.some((block) => block.type === 'actions'));
  });

  it('records an expiry', async () => {
    await channel.recordOutcome(request, 'C123:1714564800.000100', { decision: 'expired', at: '2024-05-02T12:00:00Z' });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.args.get('text'), 'Expired at 2024-05-02T12:00:00Z (no decision before the deadline)');
    assert.match(contextText(call.blocks.at(-1)), /Expired at .* \(no decision before the deadline\)/);
  });

  it('posts the outcome as a new message when the request was never posted', async () => {
    await channel.recordOutcome(request, undefined, { decision: 'expired', at: '2024-05-02T12:00:00Z' });
    const call = webApiCall(slack.requests[0]);
    assert.equal(call.method, '/api/chat.postMessage');
    assert.equal(call.args.get('channel'), '#approvals');
    assert.ok(!call.blocks.some((block) => block.type === 'actions'));
  });
});

describe('SlackApprovalChannel, a retried request (its earlier attempt may have posted)', () => {
  let slack: RecordingServer;
  let history: unknown[] = [];

  before(async () => {
    slack = await startRecordingServer((recorded) => {
      const method = recorded.path.replace(/^\/api\//, '');
      const body =
        method === 'conversations.history'
          ? { ok: true, messages: history }
          : method === 'chat.postMessage'
            ? { ok: true, channel: 'C0APPROVE', ts: '1714564800.000900', message: {} }
            : { ok: true };
      return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
    });
  });
  after(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.requests.length = 0;
  });

  const methods = (): string[] => slack.requests.map((recorded) => recorded.path.replace(/^\/api\//, ''));
  // A channel given by id needs no lookup by name.
  const channel = (): SlackApprovalChannel => new SlackApprovalChannel({ token: 'xoxb-test', channel: 'C0APPROVE', apiUrl: `${slack.origin}/api/` });

  it("edits the request's message found in the channel's history instead of posting a second set of buttons", async () => {
    history = [
      { ts: '1714564800.000300', metadata: { event_type: 'vigil_approval_request', event_payload: { workflow_id: request.workflowId, run_id: 'run-0', request_id: request.requestId } } },
      { ts: '1714564800.000200', metadata: { event_type: 'vigil_approval_request', event_payload: { workflow_id: request.workflowId, run_id: request.runId, request_id: request.requestId } } },
    ];
    const posted = await channel().requestApproval(request, undefined, { mayRepeat: true });
    assert.deepEqual(posted, { messageRef: 'C0APPROVE:1714564800.000200' });
    assert.deepEqual(methods(), ['conversations.history', 'chat.update']);
  });

  it('posts when no message of that request is in the history', async () => {
    history = [{ ts: '1714564800.000300', metadata: { event_type: 'vigil_approval_request', event_payload: { run_id: request.runId, request_id: 'v7-00000000' } } }];
    const posted = await channel().requestApproval(request, undefined, { mayRepeat: true });
    assert.deepEqual(posted, { messageRef: 'C0APPROVE:1714564800.000900' });
    assert.deepEqual(methods(), ['conversations.history', 'chat.postMessage']);
  });
});
