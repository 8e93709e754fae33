// Finds a message Vigil already posted, by the metadata it posted it with. A step retried after its
// worker died cannot know whether its chat.postMessage went out before the death (the answer, and
// the heartbeat recording it, may both be lost), and Slack has no idempotent post: the channel's
// recent history is the only record of what was sent. Reading it needs the channels:history scope
// (groups:history for a private channel) and, for a channel given by name, channels:read.
import type { WebClient } from '@slack/web-api';
import { formatMessageRef } from './message-ref.js';

/** How far back a retry looks: a retried step runs again within minutes, and busy channels scroll. */
const recentMessages = 200;
const channelId = /^[CGD][A-Z0-9]{6,}$/;

export class PostedMessages {
  private id: Promise<string | undefined> | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
  ) {}

  /** The "channel:ts" reference of the recent message with this metadata event type whose payload matches, if any. */
  async find(eventType: string, matches: (payload: Record<string, unknown>) => boolean): Promise<string | undefined> {
    const channel = await this.channelId();
    if (channel === undefined) return undefined;
    const history = await this.client.conversations.history({ channel, limit: recentMessages, include_all_metadata: true });
    for (const message of history.messages ?? []) {
      const metadata = message.metadata;
      if (metadata?.event_type !== eventType || message.ts === undefined) continue;
      if (matches((metadata.event_payload ?? {}))) return formatMessageRef({ channel, ts: message.ts });
    }
    return undefined;
  }

  /** The channel's id: as configured, or looked up by name once. */
  private channelId(): Promise<string | undefined> {
    this.id ??= (async () => {
      if (channelId.test(this.channel)) return this.channel;
      const name = this.channel.replace(/^#/, '');
      for await (const page of this.client.paginate('conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 200 })) {
        const channels = (page as { channels?: { id?: string; name?: string }[] }).channels ?? [];
        const found = channels.find((entry) => entry.name === name);
        if (found?.id !== undefined) return found.id;
      }
      return undefined;
    })();
    return this.id;
  }
}

/**
 * `posted.find`, or undefined when the history cannot be read (a missing scope): the message is
 * then posted again, which at worst repeats it, rather than not posted at all.
 */
export async function findOrWarn(posted: PostedMessages, eventType: string, matches: (payload: Record<string, unknown>) => boolean): Promise<string | undefined> {
  try {
    return await posted.find(eventType, matches);
  } catch (error) {
    console.warn(`vigil: could not read the Slack channel's history to avoid posting twice (${error instanceof Error ? error.message : String(error)}); posting`);
    return undefined;
  }
}
