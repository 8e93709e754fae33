// What an activity has already delivered (messages posted, alerts sent), kept in its heartbeat
// details so that a retry sends only what is missing instead of sending everything again. The
// first heartbeat of an attempt reaches the server at once, so the window in which a crash can
// still repeat a send is the moment between the send and that heartbeat; the idempotency key sent
// with each message lets a receiver drop such a repeat too.
import { attemptIndependentKey, heartbeat, heartbeatDetails } from './activity-context.js';

interface LedgerDetails {
  delivered?: Record<string, string>;
}

export class DeliveryLedger {
  private readonly delivered: Record<string, string>;
  private readonly base: string;

  constructor(fallbackKey: string) {
    this.delivered = { ...(heartbeatDetails<LedgerDetails>()?.delivered ?? {}) };
    this.base = attemptIndependentKey() ?? fallbackKey;
  }

  /** The reference recorded for `key` by an earlier attempt ('' when it had none), or undefined. */
  get(key: string): string | undefined {
    return this.delivered[key];
  }

  record(key: string, ref = ''): void {
    this.delivered[key] = ref;
    heartbeat({ delivered: this.delivered });
  }

  /** The same for every attempt of this send: receivers may deduplicate on it. */
  idempotencyKey(key: string): string {
    return `${this.base}/${key}`;
  }
}
