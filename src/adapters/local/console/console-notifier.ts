import { alertLines } from '../../../domain/alerts/format.js';
import type { Alert } from '../../../domain/alerts/alert.js';
import type { Notifier, NotifyResult } from '../../../ports/notifier.js';

/** Alerts to a stream (stderr by default): always on, in every mode. */
export class ConsoleNotifier implements Notifier {
  readonly channel = 'console';
  constructor(private readonly write: (text: string) => void = (text) => process.stderr.write(text)) {}

  notify(alert: Alert, previousRef?: string): Promise<NotifyResult> {
    const prefix = previousRef === undefined ? '[alert]' : '[alert, ongoing]';
    this.write(`${prefix} ${alertLines(alert).join('\n')}\n`);
    return Promise.resolve({ channel: this.channel, messageRef: alert.incidentKey, updated: previousRef !== undefined });
  }
}
