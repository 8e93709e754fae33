import type { WebClient } from '@slack/web-api';
import { alertLines } from '../../domain/alerts/format.js';
import type { Alert } from '../../domain/alerts/alert.js';
import type { Notifier, NotifyResult } from '../../ports/notifier.js';
import { alertBlocks } from './alert-blocks.js';
import { formatMessageRef, parseMessageRef } from './message-ref.js';
import { slackClient, type SlackConnection } from './slack-client.js';

export type SlackNotifierOptions = SlackConnection;

/**
 * Posts alerts with chat.postMessage; an incident that is still open is edited in place with
 * chat.update (its reference is "channel:ts"), so a persisting breach does not post anew.
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly client: WebClient;

  constructor(private readonly options: SlackNotifierOptions) {
    this.client = slackClient(options);
  }

  async notify(alert: Alert, previousRef?: string): Promise<NotifyResult> {
    const text = alertLines(alert).join('\n');
    const previous = parseMessageRef(previousRef);
    if (previous !== undefined) {
      await this.client.chat.update({ channel: previous.channel, ts: previous.ts, text, blocks: alertBlocks(alert, true) });
      return { channel: this.channel, messageRef: previousRef, updated: true };
    }
    const posted = await this.client.chat.postMessage({
      channel: this.options.channel,
      text,
      blocks: alertBlocks(alert, false),
      ...(alert.idempotencyKey === undefined
        ? {}
        : { metadata: { event_type: 'vigil_alert', event_payload: { incident_key: alert.incidentKey, idempotency_key: alert.idempotencyKey } } }),
    });
    const ref = posted.channel !== undefined && posted.ts !== undefined ? formatMessageRef({ channel: posted.channel, ts: posted.ts }) : undefined;
    return { channel: this.channel, messageRef: ref, updated: false };
  }
}
