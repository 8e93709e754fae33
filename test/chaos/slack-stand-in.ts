// Slack's Web API as far as Vigil uses it (chat.postMessage, chat.update, conversations.history
// with the messages' metadata), answering as Slack does and recording every call with its
// metadata: what the "one message per approval request" and "one notification per incident"
// checks count.
import { startRecordingServer } from '../support/slack-recording-server.js';

export interface SlackCall {
  method: string;
  /** metadata.event_type and event_payload of a chat.postMessage, when it carried them. */
  eventType?: string;
  payload?: Record<string, unknown>;
}

export interface SlackStandIn {
  origin: string;
  calls(): SlackCall[];
  close(): Promise<void>;
}

export async function slackStandIn(): Promise<SlackStandIn> {
  let posted = 0;
  const calls: SlackCall[] = [];
  const history: { ts: string; metadata?: unknown }[] = [];
  const server = await startRecordingServer((request) => {
    const method = request.path.replace(/^\/api\//, '').replace(/\?.*$/, '');
    const params = new URLSearchParams(request.body);
    const metadata = params.get('metadata');
    const parsed = metadata === null ? undefined : (JSON.parse(metadata) as { event_type?: string; event_payload?: Record<string, unknown> });
    calls.push({ method, ...(parsed?.event_type === undefined ? {} : { eventType: parsed.event_type }), ...(parsed?.event_payload === undefined ? {} : { payload: parsed.event_payload }) });
    let answer: Record<string, unknown> = { ok: true };
    if (method === 'chat.postMessage') {
      const ts = `1700000000.${String((posted += 1)).padStart(6, '0')}`;
      history.unshift({ ts, ...(parsed === undefined ? {} : { metadata: parsed }) });
      answer = { ok: true, channel: 'C0CHAOS', ts };
    } else if (method === 'conversations.history') {
      answer = { ok: true, messages: history };
    }
    return { status: 200, contentType: 'application/json', body: JSON.stringify(answer) };
  });
  return { origin: server.origin, calls: () => [...calls], close: () => server.close() };
}
