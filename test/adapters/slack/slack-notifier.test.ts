// SlackNotifier against a local server that answers like Slack's Web API: a new alert is posted
// with Block Kit blocks, an ongoing one is edited in place, and a Slack error rejects.
import assert from 'node:assert/strict';
import { SlackNotifier } from '../../../src/adapters/slack/slack-notifier.js';
import type { Alert } from '../../../src/domain/alerts/alert.js';
import { startRecordingServer, type RecordingServer } from '../../support/slack-recording-server.js';

interface RecordedCall {
  method: string;
  authorization: string | undefined;
  params: URLSearchParams;
}

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

/** Every text a block shows, flattened, so assertions can look for what a reader would see. */
function textsOf(blocks: Block[]): string[] {
  return blocks.flatMap((block) => [
    ...(block.text === undefined ? [] : [block.text.text]),
    ...(block.fields ?? []).map((field) => field.text),
    ...(block.elements ?? []).map((element) => element.text),
  ]);
}

const alert: Alert = {
  incidentKey: 'demand:drift',
  severity: 'warning',
  model: 'demand',
  title: 'drift detected',
  window: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' },
  breaches: [
    { subject: 'price', metric: 'wasserstein_normed', value: 0.25, threshold: 0.1, excess: 0.15 },
    { subject: 'store', metric: 'js_distance', value: 0.31, threshold: 0.1, excess: 0.21 },
  ],
  runUrl: 'http://localhost:8233/namespaces/default/workflows/monitor-demand/run-1/history',
};

describe('SlackNotifier', () => {
  let slack: RecordingServer;
  let calls: RecordedCall[] = [];
  let answer: (method: string) => Record<string, unknown>;
  let notifier: SlackNotifier;

  before(async () => {
    slack = await startRecordingServer((request) => {
      const method = request.path.replace(/^\/api\//, '');
      calls.push({ method, authorization: request.headers.authorization, params: new URLSearchParams(request.body) });
      return { status: 200, contentType: 'application/json', body: JSON.stringify(answer(method)) };
    });
    notifier = new SlackNotifier({ token: 'xoxb-test', channel: '#ml-alerts', apiUrl: `${slack.origin}/api/` });
  });

  beforeEach(() => {
    calls = [];
    answer = (method) => (method === 'chat.postMessage' ? { ok: true, channel: 'C1', ts: '1700000000.000100' } : { ok: true });
  });

  after(async () => {
    await slack.close();
  });

  it('posts a new alert with text and blocks naming the model, window, breaches and run link', async () => {
    const result = await notifier.notify(alert);

    assert.deepEqual(result, { channel: 'slack', messageRef: 'C1:1700000000.000100', updated: false });
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.equal(call?.method, 'chat.postMessage');
    assert.equal(call?.authorization, 'Bearer xoxb-test');
    assert.equal(call?.params.get('channel'), '#ml-alerts');
    const text = call?.params.get('text') ?? '';
    assert.match(text, /^WARNING demand: drift detected \[2026-11-20T00:00:00\.000Z \.\. 2026-11-21T00:00:00\.000Z\)/);
    assert.match(text, /price · wasserstein_normed = 0\.25, threshold 0\.1 \(by 0\.15\)/);

    const blocks = JSON.parse(call?.params.get('blocks') ?? '[]') as Block[];
    assert.equal(blocks[0]?.type, 'header');
    assert.equal(blocks[0]?.text?.text, 'demand: drift detected');
    const texts = textsOf(blocks);
    assert.ok(texts.includes('*Model*\ndemand'), texts.join(' | '));
    assert.ok(texts.includes('*Window*\n2026-11-20T00:00:00.000Z → 2026-11-21T00:00:00.000Z'));
    assert.ok(texts.includes('*Status*\nnew'));
    const breachLines = texts.find((entry) => entry.startsWith('• '))?.split('\n');
    assert.deepEqual(breachLines, [
      '• price · wasserstein_normed = 0.25, threshold 0.1 (by 0.15)',
      '• store · js_distance = 0.31, threshold 0.1 (by 0.21)',
    ]);
    const context = blocks.find((block) => block.type === 'context');
    assert.equal(context?.elements?.[0]?.text, `<${alert.runUrl}|Open the run in the Temporal UI>`);
  });

  it('edits the posted message with chat.update when given its reference', async () => {
    const posted = await notifier.notify(alert);
    const ongoing = { ...alert, title: 'drift detected (2 windows running)' };

    const result = await notifier.notify(ongoing, posted.messageRef);

    assert.deepEqual(result, { channel: 'slack', messageRef: 'C1:1700000000.000100', updated: true });
    assert.deepEqual(
      calls.map((call) => call.method),
      ['chat.postMessage', 'chat.update'],
    );
    const update = calls[1];
    assert.equal(update?.params.get('channel'), 'C1');
    assert.equal(update?.params.get('ts'), '1700000000.000100');
    const texts = textsOf(JSON.parse(update?.params.get('blocks') ?? '[]') as Block[]);
    assert.ok(texts.includes('demand: drift detected (2 windows running)'));
    assert.ok(texts.includes('*Status*\nongoing (updated)'));
  });

  it('rejects with the error Slack answers', async () => {
    answer = () => ({ ok: false, error: 'channel_not_found' });
    await assert.rejects(notifier.notify(alert), /channel_not_found/);
    assert.equal(calls.length, 1, 'a Slack error is not retried');
  });
  describe('a retried delivery (its earlier attempt may have posted)', () => {
    const keyed = { ...alert, idempotencyKey: 'run-1/4/demand:drift' };
    // Each test resolves the channel's id anew (a notifier looks it up once).
    beforeEach(() => {
      notifier = new SlackNotifier({ token: 'xoxb-test', channel: '#ml-alerts', apiUrl: `${slack.origin}/api/` });
    });
    const history = (messages: unknown[]) => (method: string) =>
      method === 'conversations.list'
        ? { ok: true, channels: [{ id: 'C0OTHER1', name: 'other' }, { id: 'C0ALERTS', name: 'ml-alerts' }], response_metadata: { next_cursor: '' } }
        : method === 'conversations.history'
          ? { ok: true, messages }
          : method === 'chat.postMessage'
            ? { ok: true, channel: 'C0ALERTS', ts: '1700000000.000900' }
            : { ok: true };

    it("edits the message found in the channel's history by its idempotency key instead of posting again", async () => {
      answer = history([
        { ts: '1700000000.000300', metadata: { event_type: 'vigil_alert', event_payload: { idempotency_key: 'run-0/4/demand:drift' } } },
        { ts: '1700000000.000200', metadata: { event_type: 'vigil_alert', event_payload: { incident_key: 'demand:drift', idempotency_key: keyed.idempotencyKey } } },
      ]);
      const result = await notifier.notify(keyed, undefined, { mayRepeat: true });
      assert.deepEqual(result, { channel: 'slack', messageRef: 'C0ALERTS:1700000000.000200', updated: false });
      assert.deepEqual(calls.map((call) => call.method), ['conversations.list', 'conversations.history', 'chat.update']);
      assert.equal(calls[1]?.params.get('channel'), 'C0ALERTS');
      assert.equal(calls[1]?.params.get('include_all_metadata'), 'true');
      assert.equal(calls[2]?.params.get('ts'), '1700000000.000200');
    });

    it('posts when the history holds no message of that key', async () => {
      answer = history([{ ts: '1700000000.000300', metadata: { event_type: 'vigil_approval_request', event_payload: { idempotency_key: keyed.idempotencyKey } } }, { ts: '1700000000.000400' }]);
      const result = await notifier.notify(keyed, undefined, { mayRepeat: true });
      assert.equal(result.messageRef, 'C0ALERTS:1700000000.000900');
      assert.deepEqual(calls.map((call) => call.method), ['conversations.list', 'conversations.history', 'chat.postMessage']);
      await notifier.notify(keyed, undefined, { mayRepeat: true });
      assert.deepEqual(calls.slice(3).map((call) => call.method), ['conversations.history', 'chat.postMessage'], 'the channel id is looked up once');
    });

    it('posts when the history cannot be read (a missing scope)', async () => {
      answer = (method) => (method === 'chat.postMessage' ? { ok: true, channel: 'C1', ts: '1700000000.000500' } : { ok: false, error: 'missing_scope' });
      const warnings: unknown[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        const result = await notifier.notify(keyed, undefined, { mayRepeat: true });
        assert.equal(result.messageRef, 'C1:1700000000.000500');
      } finally {
        console.warn = warn;
      }
      assert.match(String(warnings[0]), /missing_scope/);
    });

    it('a first attempt does not read the history', async () => {
      await notifier.notify(keyed);
      assert.deepEqual(calls.map((call) => call.method), ['chat.postMessage']);
    });
  });
});
