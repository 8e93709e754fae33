// Where alerts go: console always, Slack and SNS when configured.
import type { Alert } from '../domain/alerts/alert.js';

export type { Alert, AlertBreach, Severity } from '../domain/alerts/alert.js';

export interface NotifyResult {
  channel: string;
  /** The message reference (Slack ts, SNS message id) so a persisting incident can be updated. */
  messageRef?: string;
  updated: boolean;
}

/** How a delivery is made. */
export interface DeliveryOptions {
  /**
   * An earlier attempt of this delivery may have gone out without its result being kept (the step
   * is a retry): a channel that can tell what it already received (Slack's history) checks first.
   */
  mayRepeat?: boolean;
}

export interface Notifier {
  readonly channel: string;
  /** Posts a new alert, or updates the message of `previousRef` when the incident is still open. */
  notify(alert: Alert, previousRef?: string, options?: DeliveryOptions): Promise<NotifyResult>;
}
