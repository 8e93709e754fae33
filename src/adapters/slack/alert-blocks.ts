// Block Kit layout of an alert: model and window, each breach with its threshold and excess, and a
// link to the run in the Temporal UI.
import type { KnownBlock } from '@slack/web-api';
import { describeBreach } from '../../domain/alerts/format.js';
import type { Alert } from '../../domain/alerts/alert.js';

const severityEmoji = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

export function alertBlocks(alert: Alert, ongoing: boolean): KnownBlock[] {
  const window = alert.window === undefined ? 'n/a' : `${alert.window.start} → ${alert.window.end}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${alert.model}: ${alert.title}`.slice(0, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Model*\n${alert.model}` },
        { type: 'mrkdwn', text: `*Window*\n${window}` },
        { type: 'mrkdwn', text: `*Severity*\n${severityEmoji[alert.severity]} ${alert.severity}` },
        { type: 'mrkdwn', text: `*Status*\n${ongoing ? 'ongoing (updated)' : 'new'}` },
      ],
    },
  ];
  if (alert.breaches.length > 0) {
    // Slack caps a section's text at 3000 characters.
    const lines = alert.breaches.map((breach) => `• ${describeBreach(breach)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } });
  }
  if (alert.text !== undefined) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: alert.text.slice(0, 2900) } });
  if (alert.runUrl !== undefined) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${alert.runUrl}|Open the run in the Temporal UI>` }] });
  }
  return blocks;
}
