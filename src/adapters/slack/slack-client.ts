// One way to reach Slack's Web API for every Slack adapter: the bot token, an optional API URL
// (tests point it at a local server) and the same bounded retries.
import { WebClient } from '@slack/web-api';

export interface SlackConnection {
  token: string;
  /** The channel messages go to. */
  channel: string;
  /** Override of https://slack.com/api/ (tests point it at a local server). */
  apiUrl?: string;
}

export function slackClient(connection: SlackConnection): WebClient {
  return new WebClient(connection.token, {
    ...(connection.apiUrl === undefined ? {} : { slackApiUrl: connection.apiUrl }),
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
  });
}
