// Alert and approval channels, the same in both modes: the console always, Slack when configured,
// then the alert channels only one mode has (SNS in AWS mode).
import type { ActivityDeps } from '../activities/index.js';
import { ConsoleApprovalChannel } from '../adapters/local/console/console-approval-channel.js';
import { ConsoleNotifier } from '../adapters/local/console/console-notifier.js';
import { SlackApprovalChannel } from '../adapters/slack/slack-approval-channel.js';
import type { SlackConnection } from '../adapters/slack/slack-client.js';
import { SlackNotifier } from '../adapters/slack/slack-notifier.js';
import { readSecret, type LoadedConfig } from '../config/load.js';
import type { Notifier } from '../ports/notifier.js';
import type { RuntimeOptions } from './runtime-options.js';

export type Channels = Pick<ActivityDeps, 'notifiers' | 'approvals'>;

/** The Slack connection the config names, its token read from the environment when given as env:NAME. */
function slackConnection(loaded: LoadedConfig, options: RuntimeOptions): SlackConnection | undefined {
  const slack = loaded.config.slack;
  if (slack === undefined) return undefined;
  return { token: readSecret(slack.botToken, options.env), channel: slack.channel, ...(slack.apiUrl === undefined ? {} : { apiUrl: slack.apiUrl }) };
}

export function channelsFor(loaded: LoadedConfig, options: RuntimeOptions, modeNotifiers: Notifier[] = []): Channels {
  const slack = slackConnection(loaded, options);
  return {
    notifiers: [new ConsoleNotifier(options.writeAlert), ...(slack === undefined ? [] : [new SlackNotifier(slack)]), ...modeNotifiers],
    approvals: [new ConsoleApprovalChannel(options.writeApproval), ...(slack === undefined ? [] : [new SlackApprovalChannel(slack)])],
  };
}
