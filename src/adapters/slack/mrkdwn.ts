// Text helpers for Slack mrkdwn: escaping, mentions and dates shown in the reader's time zone.

/** Escapes the three characters Slack treats as markup, so names and reasons cannot ping or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const slackUserId = /^[UW][A-Z0-9]+$/;

/** A Slack user id becomes a mention; anything else (a CLI user, an email) is shown as text. */
export function mentionOrName(who: string): string {
  return slackUserId.test(who) ? `<@${who}>` : escapeMrkdwn(who);
}

/**
 * An instant rendered by Slack in each reader's own time zone, with the ISO text as the fallback
 * for clients that cannot format it. An unparsable instant is shown as given.
 */
export function slackDate(iso: string): string {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(millis / 1000)}^{date_short_pretty} {time}|${new Date(millis).toISOString()}>`;
}

/** A mrkdwn link; the characters that would end the link early are percent-encoded. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}
