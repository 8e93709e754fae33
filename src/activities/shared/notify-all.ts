// One alert to every notifier. A failing channel must not silence the others: all are tried, what
// was posted is remembered in the ledger (so a retry edits or skips those instead of posting
// twice), and the failures are returned for the caller to fail the step once it is done.
import type { Alert } from '../../domain/alerts/alert.js';
import type { Notifier } from '../../ports/notifier.js';
import { isRetryAttempt } from './activity-context.js';
import type { DeliveryLedger } from './delivery-ledger.js';

export interface FanOut {
  /** The ledger entry of one channel's delivery (the channel, or a kind and the channel). */
  deliveryKey: (channel: string) => string;
  /** Message references from earlier alerts of the same incident, per channel: updated in place. */
  refs: Record<string, string>;
  /** Prefixes each failure line, e.g. the incident key. */
  failurePrefix?: string;
}

export interface FanOutResult {
  delivered: number;
  failures: string[];
}

export async function notifyAll(notifiers: readonly Notifier[], alert: Alert, ledger: DeliveryLedger, fanOut: FanOut): Promise<FanOutResult> {
  let delivered = 0;
  const failures: string[] = [];
  for (const notifier of notifiers) {
    const delivery = fanOut.deliveryKey(notifier.channel);
    if (ledger.get(delivery) !== undefined) continue;
    try {
      const result = await notifier.notify(alert, fanOut.refs[notifier.channel], { mayRepeat: isRetryAttempt() });
      if (result.messageRef !== undefined) fanOut.refs[notifier.channel] = result.messageRef;
      ledger.record(delivery, result.messageRef);
      delivered += 1;
    } catch (error) {
      failures.push(`${fanOut.failurePrefix ?? ''}${notifier.channel}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { delivered, failures };
}
