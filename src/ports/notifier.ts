// Where alerts go: console always, Slack and SNS when configured.
import type { Alert } from '../domain/alerts/alert.js';

export type { Alert, AlertBreach, Severity } from '../domain/alerts/alert.js';

export interface NotifyResult {
  channel: string;
  /** The message reference (Slack ts, SNS message id) so a persisting incident can be updated. */
  messageRef?: string;
  updated: boolean;
}

export interface Notifier {
  readonly channel: string;
  /** Posts a new alert, or updates the message of `previousRef` when the incident is still open. */
  notify(alert: Alert, previousRef?: string): Promise<NotifyResult>;
}
