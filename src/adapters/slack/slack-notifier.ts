import type { WebClient } from '@slack/web-api';
import { alertLines } from '../../domain/alerts/format.js';
import type { Alert } from '../../domain/alerts/alert.js';
import type { DeliveryOptions, Notifier, NotifyResult } from '../../ports/notifier.js';
import { alertBlocks } from './alert-blocks.js';
import { formatMessageRef, parseMessageRef } from './message-ref.js';
import { findOrWarn, PostedMessages } from './posted-message.js';
import { slackClient, type SlackConnection } from './slack-client.js';

export type SlackNotifierOptions = SlackConnection;

const alertEventType = 'vigil_alert';

/**
 * Posts alerts with chat.postMessage; an incident that is still open is edited in place with
 * chat.update (its reference is "channel:ts"), so a persisting breach does not post anew.
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly client: WebClient;

  private readonly posted: PostedMessages;

  constructor(private readonly options: SlackNotifierOptions) {
    this.client = slackClient(options);
    this.posted = new PostedMessages(this.client, options.channel);
  }

  async notify(alert: Alert, previousRef?: string, options: DeliveryOptions = {}): Promise<NotifyResult> {
    const text = alertLines(alert).join('\n');
    const key = alert.idempotencyKey;
    // A retried delivery looks for the message its earlier attempt may have posted: found, it is edited.
    const found =
      previousRef === undefined && options.mayRepeat === true && key !== undefined
        ? await findOrWarn(this.posted, alertEventType, (payload) => payload['idempotency_key'] === key)
        : undefined;
    const previous = parseMessageRef(previousRef ?? found);
    if (previous !== undefined) {
      await this.client.chat.update({ channel: previous.channel, ts: previous.ts, text, blocks: alertBlocks(alert, previousRef !== undefined) });
      return { channel: this.channel, messageRef: previousRef ?? found, updated: previousRef !== undefined };
    }
    const posted = await this.client.chat.postMessage({
      channel: this.options.channel,
      text,
      blocks: alertBlocks(alert, false),
      ...(alert.idempotencyKey === undefined
        ? {}
        : { metadata: { event_type: alertEventType, event_payload: { incident_key: alert.incidentKey, idempotency_key: alert.idempotencyKey } } }),
    });
    const ref = posted.channel !== undefined && posted.ts !== undefined ? formatMessageRef({ channel: posted.channel, ts: posted.ts }) : undefined;
    return { channel: this.channel, messageRef: ref, updated: false };
  }
}
