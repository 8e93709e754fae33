import { WebClient } from '@slack/web-api';
import { alertLines } from '../../domain/alerts/format.js';
import type { Alert, Notifier, NotifyResult } from '../../ports/notifier.js';
import { alertBlocks } from './alert-blocks.js';

export interface SlackNotifierOptions {
  token: string;
  channel: string;
  /** Override of https://slack.com/api/ (tests point it at a local server). */
  apiUrl?: string;
}

/**
 * Posts alerts with chat.postMessage; an incident that is still open is edited in place with
 * chat.update (its reference is "channel:ts"), so a persisting breach does not post anew.
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly client: WebClient;

  constructor(private readonly options: SlackNotifierOptions) {
    this.client = new WebClient(options.token, {
      ...(options.apiUrl === undefined ? {} : { slackApiUrl: options.apiUrl }),
      retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    });
  }

  async notify(alert: Alert, previousRef?: string): Promise<NotifyResult> {
    const text = alertLines(alert).join('\n');
    const previous = parseRef(previousRef);
    if (previous !== undefined) {
      await this.client.chat.update({ channel: previous.channel, ts: previous.ts, text, blocks: alertBlocks(alert, true) });
      return { channel: this.channel, messageRef: previousRef, updated: true };
    }
    const posted = await this.client.chat.postMessage({ channel: this.options.channel, text, blocks: alertBlocks(alert, false) });
    const ref = posted.channel !== undefined && posted.ts !== undefined ? `${posted.channel}:${posted.ts}` : undefined;
    return { channel: this.channel, messageRef: ref, updated: false };
  }
}

function parseRef(ref: string | undefined): { channel: string; ts: string } | undefined {
  if (ref === undefined) return undefined;
  const separator = ref.indexOf(':');
  if (separator <= 0) return undefined;
  return { channel: ref.slice(0, separator), ts: ref.slice(separator + 1) };
}
