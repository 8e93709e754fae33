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
});
