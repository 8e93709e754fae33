import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  startSlackInteractions,
  type ApprovalDecision,
  type ApplyDecisionResult,
  type RefusedRequest,
  type SlackInteractions,
} from '../../../src/adapters/slack/slack-interactions.js';
import { freePort } from '../../support/free-port.js';
import { startRecordingServer, type RecordedRequest, type RecordingServer, type Reply as HookReply } from '../../support/slack-recording-server.js';

const secret = 'test-signing-secret';
const t0 = Date.parse('2024-05-01T12:00:00Z');
const t0Seconds = String(t0 / 1000);

interface Click {
  actionId?: string;
  value?: string;
  user?: { id: string; username?: string };
  responseUrl?: string;
}

interface Reply {
  status: number;
  text: string;
}

// Computed here from Slack's documented recipe rather than with the module under test.
function sign(body: string, timestamp: string, signingSecret = secret): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const buttonValue = JSON.stringify({ workflowId: 'retrain-demand-42', runId: 'run-1', requestId: 'v8-0a1b2c3d', model: 'demand', version: 'v8' });

describe('Slack interactions endpoint', function () {
  let hooks: RecordingServer;
  let endpoint: SlackInteractions;
  let clock: number;
  let decisions: ApprovalDecision[];
  let refused: RefusedRequest[];
  let logged: string[];
  let decide: (decision: ApprovalDecision) => Promise<ApplyDecisionResult>;
  let hookReply: () => HookReply;
  let deadOrigin: string;
  let endpointClosed: boolean;

  beforeEach(async () => {
    endpointClosed = false;
    clock = t0;
    decisions = [];
    refused = [];
    logged = [];
    decide = () => Promise.resolve({ ok: true, summary: 'deploy continues' });
    hookReply = () => ({ status: 200, body: 'ok' });
    hooks = await startRecordingServer(() => hookReply());
    deadOrigin = `http://127.0.0.1:${await freePort()}`;
    endpoint = await startSlackInteractions({
      signingSecret: secret,
      port: 0,
      applyDecision: (decision) => {
        decisions.push(decision);
        return decide(decision);
      },
      onRefused: (request) => {
        refused.push(request);
      },
      now: () => clock,
      responseUrlOrigins: [hooks.origin, deadOrigin],
      log: (line) => logged.push(line),
    });
  });
  afterEach(async () => {
    if (!endpointClosed) await endpoint.close();
    await hooks.close();
  });

  function clickBody(click: Click = {}, blocks: unknown[] = defaultBlocks): string {
    const payload = {
      type: 'block_actions',
      user: click.user ?? { id: 'U1', username: 'alice' },
      actions: [{ action_id: click.actionId ?? 'vigil_approve', value: click.value ?? buttonValue, type: 'button' }],
      response_url: click.responseUrl ?? `${hooks.origin}/actions/T1/123/abc`,
      container: { type: 'message', message_ts: '1714564800.000100', channel_id: 'C1' },
      channel: { id: 'C1', name: 'approvals' },
      message: { ts: '1714564800.000100', blocks },
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  async function post(body: string, headers: Record<string, string | undefined> = {}): Promise<Reply> {
    const defaults: Record<string, string | undefined> = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': t0Seconds,
      'x-slack-signature': sign(body, headers['x-slack-request-timestamp'] ?? t0Seconds),
    };
    const merged = Object.entries({ ...defaults, ...headers }).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const response = await fetch(endpoint.url, { method: 'POST', headers: merged, body });
    return { status: response.status, text: await response.text() };
  }

  const responseBody = (request: RecordedRequest | undefined): Record<string, unknown> => {
    assert.ok(request, 'nothing was posted to response_url');
    return JSON.parse(request.body) as Record<string, unknown>;
  };

  it('serves on the configured path', () => {
    assert.equal(endpoint.url, `http://127.0.0.1:${endpoint.port}/slack/interactions`);
  });

  it('acks a signed Approve click, applies it and replaces the message with who approved', async () => {
    const reply = await post(clickBody());
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '');
    assert.deepEqual(decisions, [
      { workflowId: 'retrain-demand-42', runId: 'run-1', requestId: 'v8-0a1b2c3d', model: 'demand', version: 'v8', decision: 'approve', user: { id: 'U1', name: 'alice' } },
    ]);
    const [posted] = await hooks.waitFor(1);
    assert.equal(posted?.method, 'POST');
    assert.equal(posted?.path, '/actions/T1/123/abc');
    assert.match(String(posted?.headers['content-type']), /application\/json/);
    const body = responseBody(posted);
    assert.equal(body.replace_original, true);
    assert.match(String(body.text), /Approved by <@U1>/);
    const blocks = body.blocks as { type: string; elements?: { text: string }[] }[];
    assert.ok(!blocks.some((block) => block.type === 'actions'), 'the buttons are gone');
    assert.equal(blocks[0]?.type, 'header', 'the rest of the request is kept');
    const context = blocks.at(-1);
    assert.equal(context?.type, 'context');
    assert.match(context?.elements?.[0]?.text ?? '', /Approved by <@U1> at <!date\^1714564800\^.*\|2024-05-01T12:00:00.000Z>/);
    assert.equal(context?.elements?.[1]?.text, 'deploy continues');
    assert.deepEqual(refused, []);
  });

  it('passes a Reject click on as a rejection', async () => {
    assert.equal((await post(clickBody({ actionId: 'vigil_reject', user: { id: 'U2' } }))).status, 200);
    assert.equal(decisions[0]?.decision, 'reject');
    assert.deepEqual(decisions[0]?.user, { id: 'U2', name: 'U2' });
    const body = responseBody((await hooks.waitFor(1))[0]);
    assert.match(String(body.text), /Rejected by <@U2>/);
  });

  it('acks before the decision is applied', async () => {
    let release: (result: ApplyDecisionResult) => void = () => undefined;
    decide = () => new Promise((resolve) => (release = resolve));
    const reply = await post(clickBody());
    assert.equal(reply.status, 200);
    assert.equal(decisions.length, 1);
    assert.equal(hooks.requests.length, 0, 'nothing posted while the decision is pending');
    release({ ok: true, summary: 'done' });
    assert.match(String(responseBody((await hooks.waitFor(1))[0]).text), /Approved by/);
  });

  it('tells only the clicker when the decision is refused', async () => {
    decide = () => Promise.resolve({ ok: false, error: 'U1 is not an approver of demand' });
    assert.equal((await post(clickBody())).status, 200);
    assert.deepEqual(responseBody((await hooks.waitFor(1))[0]), {
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Not applied: U1 is not an approver of demand',
    });
  });

  it('makes a double click harmless: the second one says the request is no longer pending', async () => {
    let pending = true;
    decide = () => {
      if (!pending) return Promise.resolve({ ok: false, error: 'request no longer pending' });
      pending = false;
      return Promise.resolve({ ok: true, summary: 'approved' });
    };
    const body = clickBody();
    assert.equal((await post(body)).status, 200);
    await hooks.waitFor(1);
    // A second click is a new request with its own timestamp (the same one again is a replay).
    assert.equal((await post(body, { 'x-slack-request-timestamp': String(t0 / 1000 + 1) })).status, 200);
    const [first, second] = await hooks.waitFor(2);
    assert.equal(responseBody(first).replace_original, true);
    assert.deepEqual(responseBody(second), { response_type: 'ephemeral', replace_original: false, text: 'Not applied: request no longer pending' });
    assert.equal(decisions.length, 2);
  });

  it('redraws a superseded request’s message without its buttons, saying what is pending now', async () => {
    decide = () => Promise.resolve({ ok: false, error: 'v8 is no longer pending; v9 is (request v9-00ff00ff)', superseded: true });
    assert.equal((await post(clickBody())).status, 200);
    const body = responseBody((await hooks.waitFor(1))[0]);
    assert.equal(body.replace_original, true);
    assert.equal(body.text, 'No longer pending: demand v8 (v8 is no longer pending; v9 is (request v9-00ff00ff))');
    const blocks = body.blocks as { type: string; elements?: { text: string }[] }[];
    assert.ok(!blocks.some((block) => block.type === 'actions'), 'no button is left to click');
    assert.match(blocks.at(-1)?.elements?.[0]?.text ?? '', /No longer pending: v8 is no longer pending; v9 is/);
  });

  it('reports a failing decision handler to the clicker without its internals', async () => {
    decide = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:7233'));
    assert.equal((await post(clickBody())).status, 200);
    const body = responseBody((await hooks.waitFor(1))[0]);
    assert.equal(body.response_type, 'ephemeral');
    assert.match(String(body.text), /^Not applied: the decision could not be delivered/);
    assert.doesNotMatch(String(body.text), /ECONNREFUSED/);
    assert.ok(logged.some((line) => line.includes('ECONNREFUSED')));
  });

  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 3000) assert.fail('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('logs, and does not throw, when response_url answers with an error', async () => {
    hookReply = () => ({ status: 500, body: 'boom' });
    assert.equal((await post(clickBody())).status, 200);
    await until(() => logged.some((line) => line.includes('HTTP 500')));
  });

  it('logs, and does not throw, when response_url cannot be reached', async () => {
    assert.equal((await post(clickBody({ responseUrl: `${deadOrigin}/hook` }))).status, 200);
    await until(() => logged.some((line) => line.includes('response_url failed')));
  });

  describe('refuses without applying anything', () => {
    async function expectRefused(reply: Promise<Reply>, status: number, reason: RefusedRequest['reason']): Promise<RefusedRequest | undefined> {
      assert.equal((await reply).status, status);
      assert.deepEqual(decisions, []);
      assert.equal(refused.length, 1);
      assert.equal(refused[0]?.reason, reason);
      assert.equal(refused[0]?.remoteAddress, '127.0.0.1');
      return refused[0];
    }

    it('a wrong signature', async () => {
      const body = clickBody();
      await expectRefused(post(body, { 'x-slack-signature': sign(body, t0Seconds, 'another-secret') }), 401, 'bad_signature');
    });

    it('a signature of the wrong length', async () => {
      await expectRefused(post(clickBody(), { 'x-slack-signature': 'v0=abc' }), 401, 'bad_signature');
    });

    it('a body altered after signing', async () => {
      const signed = clickBody();
      const altered = clickBody({ actionId: 'vigil_reject' });
      await expectRefused(post(altered, { 'x-slack-signature': sign(signed, t0Seconds) }), 401, 'bad_signature');
    });

    it('a timestamp six minutes old', async () => {
      const stale = String(t0 / 1000 - 360);
      const detail = await expectRefused(post(clickBody(), { 'x-slack-request-timestamp': stale }), 401, 'stale_timestamp');
      assert.match(detail?.detail ?? '', /360 s old/);
    });

    it('a timestamp six minutes in the future', async () => {
      const ahead = String(t0 / 1000 + 360);
      const detail = await expectRefused(post(clickBody(), { 'x-slack-request-timestamp': ahead }), 401, 'stale_timestamp');
      assert.match(detail?.detail ?? '', /in the future/);
    });

    it('a timestamp that is not a number', async () => {
      await expectRefused(post(clickBody(), { 'x-slack-request-timestamp': 'yesterday' }), 401, 'stale_timestamp');
    });

    it('a replay of a captured valid request once the window has passed', async () => {
      const body = clickBody();
      assert.equal((await post(body)).status, 200);
      await hooks.waitFor(1);
      decisions.length = 0;
      clock = t0 + 6 * 60 * 1000;
      await expectRefused(post(body), 401, 'stale_timestamp');
    });

    it('a request without a signature', async () => {
      await expectRefused(post(clickBody(), { 'x-slack-signature': undefined }), 401, 'missing_headers');
    });

    it('a request without a timestamp', async () => {
      await expectRefused(post(clickBody(), { 'x-slack-request-timestamp': undefined }), 401, 'missing_headers');
    });

    it('a signed body whose payload is not JSON', async () => {
      await expectRefused(post('payload=%7Bnot-json'), 400, 'malformed');
    });

    it('a signed body without a payload', async () => {
      await expectRefused(post('token=abc'), 400, 'malformed');
    });

    it('a signed click without a user', async () => {
      const payload = JSON.parse(new URLSearchParams(clickBody()).get('payload') ?? '{}') as Record<string, unknown>;
      delete payload.user;
      await expectRefused(post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString()), 400, 'malformed');
    });

    it('a signed click whose button value is not ours', async () => {
      await expectRefused(post(clickBody({ value: '{"workflowId":""}' })), 400, 'malformed');
    });

    it('a signed body that is not form-encoded', async () => {
      const body = JSON.stringify({ type: 'block_actions' });
      await expectRefused(post(body, { 'content-type': 'application/json' }), 400, 'malformed');
    });

    it('a body over the size limit, before verifying it', async () => {
      const body = `payload=${'x'.repeat(1_100_000)}`;
      await expectRefused(post(body), 413, 'too_large');
    });

    it('a response_url outside the allowed origins', async () => {
      await expectRefused(post(clickBody({ responseUrl: 'https://attacker.example/hook' })), 400, 'malformed');
      assert.equal(hooks.requests.length, 0);
    });
  });

  describe('replays and floods', () => {
    async function closeEndpoint(): Promise<void> {
      endpointClosed = true;
      await endpoint.close();
    }

    /** Posts `count` unsigned requests one after another; `beforeEach` may move the clock. */
    async function unsignedFlood(count: number, beforeEach: (index: number) => void = () => undefined): Promise<number[]> {
      const statuses: number[] = [];
      for (let index = 0; index < count; index += 1) {
        beforeEach(index);
        statuses.push((await post('payload=%7B%7D', { 'x-slack-signature': undefined })).status);
      }
      return statuses;
    }

    /** The reports grouped by window: a later report of a window carries its running total. */
    function byWindow(): Map<string, RefusedRequest[]> {
      const windows = new Map<string, RefusedRequest[]>();
      for (const report of refused) windows.set(report.window, [...(windows.get(report.window) ?? []), report]);
      return windows;
    }

    const tally = (statuses: number[]): Record<number, number> =>
      statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

    it('applies a signed click once: the same request posted again inside the window is refused as a replay', async () => {
      const body = clickBody();
      assert.equal((await post(body)).status, 200);
      await hooks.waitFor(1);
      clock = t0 + 4 * 60 * 1000;
      const replay = await post(body);
      assert.equal(replay.status, 401);
      assert.equal((await post(body)).status, 401);
      assert.equal(decisions.length, 1);
      assert.equal(hooks.requests.length, 1, 'the clicker is told once');
      assert.equal(refused.length, 1, 'the first refusal of the minute is reported at once, the next one counted');
      assert.equal(refused[0]?.reason, 'replayed');
      assert.equal(refused[0]?.remoteAddress, '127.0.0.1');
      assert.deepEqual(refused[0]?.reasons, { replayed: 1 });
      await closeEndpoint();
      assert.equal(refused.at(-1)?.count, 2);
      assert.deepEqual(refused.at(-1)?.reasons, { replayed: 2 });
    });

    it('reports a flood of unsigned requests once at its start and once with the total, and answers 429 past the limit', async () => {
      const statuses = await unsignedFlood(1000);
      assert.deepEqual(tally(statuses), { 401: 30, 429: 970 });
      assert.equal(refused.length, 1);
      assert.equal(refused[0]?.count, 1);
      assert.equal(refused[0]?.reason, 'missing_headers');
      await closeEndpoint();
      assert.equal(refused.length, 2, 'close() reports the count of the minute');
      assert.deepEqual(refused[1], {
        reason: 'missing_headers',
        remoteAddress: '127.0.0.1',
        detail: 'X-Slack-Signature or X-Slack-Request-Timestamp is missing',
        count: 1000,
        window: '2024-05-01T12:00:00.000Z',
        firstAt: '2024-05-01T12:00:00.000Z',
        lastAt: '2024-05-01T12:00:00.000Z',
        reasons: { missing_headers: 30, rate_limited: 970 },
      });
    });

    it('keeps a flood across a minute boundary to two reports per minute whose totals add up', async () => {
      // 500 requests a minute, so the minute's end timer (set from the test's clock, fired by the
      // real one) is a minute away and cannot close the first minute early on a slow machine.
      const statuses = await unsignedFlood(1000, (index) => {
        clock = t0 + index * 120;
      });
      assert.deepEqual(tally(statuses), { 401: 60, 429: 940 }, 'the limit starts again in the new minute');
      await closeEndpoint();
      const windows = byWindow();
      assert.deepEqual([...windows.keys()], ['2024-05-01T12:00:00.000Z', '2024-05-01T12:01:00.000Z']);
      for (const reports of windows.values()) assert.ok(reports.length <= 2, `${reports.length} reports for one minute`);
      const totals = [...windows.values()].map((reports) => reports.at(-1)?.count ?? 0);
      assert.deepEqual(totals, [500, 500]);
    });

    it('still applies a signed click from a source over the limit: behind a proxy, junk must not lock Slack out', async () => {
      await unsignedFlood(30);
      const forged = clickBody();
      const limited = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': t0Seconds, 'x-slack-signature': sign(forged, t0Seconds, 'wrong-secret') },
        body: forged,
      });
      assert.equal(limited.status, 429, 'a refused request over the limit');
      assert.equal(limited.headers.get('retry-after'), '60');
      assert.equal((await post(clickBody())).status, 200, 'a signed click goes through');
      assert.equal(decisions.length, 1);
    });

    it('reports the rest of a minute when it ends, without waiting for close()', async () => {
      clock = t0 + 59_500;
      await unsignedFlood(3);
      assert.equal(refused.length, 1);
      for (let waited = 0; refused.length < 2; waited += 10) {
        if (waited > 5000) assert.fail('the minute ended without a report');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(refused[1]?.count, 3);
    });

    it('reports nothing more on close() when every refusal was reported', async () => {
      await unsignedFlood(1);
      await closeEndpoint();
      assert.equal(refused.length, 1);
    });
  });

  it('acks other interactions and actions without applying anything', async () => {
    assert.equal((await post(clickBody({ actionId: 'some_other_button' }))).status, 200);
    const shortcut = new URLSearchParams({ payload: JSON.stringify({ type: 'shortcut', callback_id: 'x' }) }).toString();
    assert.equal((await post(shortcut)).status, 200);
    assert.deepEqual(decisions, []);
    assert.deepEqual(refused, []);
  });

  it('answers 404 off its path and 405 to other methods', async () => {
    assert.equal((await fetch(endpoint.url.replace('/slack/interactions', '/other'), { method: 'POST' })).status, 404);
    assert.equal((await fetch(endpoint.url)).status, 405);
  });
});

const defaultBlocks = [
  { type: 'header', block_id: 'h', text: { type: 'plain_text', text: 'Approve demand v8?' } },
  { type: 'section', block_id: 's', text: { type: 'mrkdwn', text: '*Reason*\ndrift' } },
  {
    type: 'actions',
    block_id: 'vigil_approval_actions',
    elements: [
      { type: 'button', action_id: 'vigil_approve', value: buttonValue, text: { type: 'plain_text', text: 'Approve' } },
      { type: 'button', action_id: 'vigil_reject', value: buttonValue, text: { type: 'plain_text', text: 'Reject' } },
    ],
  },
];
