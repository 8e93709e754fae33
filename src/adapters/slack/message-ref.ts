// A posted message is referred to as "channel:ts" (Slack's channel id and message timestamp), the
// pair chat.update needs to edit it later.

export interface MessageRef {
  channel: string;
  ts: string;
}

export function formatMessageRef(ref: MessageRef): string {
  return `${ref.channel}:${ref.ts}`;
}

export function parseMessageRef(ref: string | undefined): MessageRef | undefined {
  if (ref === undefined) return undefined;
  const separator = ref.indexOf(':');
  if (separator <= 0 || separator === ref.length - 1) return undefined;
  return { channel: ref.slice(0, separator), ts: ref.slice(separator + 1) };
}
