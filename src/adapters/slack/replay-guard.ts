// Remembers each verified request signature until its timestamp leaves the skew window, so a
// captured request posted again inside the window is refused instead of applied a second time.
// Past the window the signature check refuses it as stale, so the entry can be forgotten then.
//
// The memory is per process: several worker replicas behind one URL would each accept one copy of
// a replayed request. Refusing replays across replicas needs a shared store with an atomic
// insert-if-absent and expiry (Redis SET NX EX, a DynamoDB conditional put with a TTL).

export interface ReplayGuardOptions {
  /** How long a signature stays valid after its timestamp, in seconds (the signature check's window). */
  windowSeconds: number;
  /**
   * Most signatures remembered at once; past it the one remembered longest is forgotten. Only
   * verified signatures are stored, so only Slack (or a holder of the secret) can fill it.
   */
  maxEntries?: number;
}

export class ReplayGuard {
  /** Signature -> epoch milliseconds from which it is forgotten; insertion order is oldest first. */
  private readonly expiries = new Map<string, number>();
  private readonly windowMillis: number;
  private readonly maxEntries: number;
  private nextSweep = Number.NEGATIVE_INFINITY;

  constructor(options: ReplayGuardOptions) {
    this.windowMillis = options.windowSeconds * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new Error(`maxEntries must be a positive integer (got ${this.maxEntries})`);
  }

  /**
   * True the first time a verified signature is seen, and remembers it; false when it was seen
   * before and is still inside its window (a replay).
   */
  firstSeen(signature: string, timestampSeconds: number, nowMillis: number): boolean {
    this.sweep(nowMillis);
    const expiry = this.expiries.get(signature);
    if (expiry !== undefined && expiry > nowMillis) return false;
    this.expiries.delete(signature);
    if (this.expiries.size >= this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done !== true) this.expiries.delete(oldest.value);
    }
    // The signature check accepts a timestamp until a whole window plus one second has passed
    // (it compares whole seconds), so the entry lives that long.
    this.expiries.set(signature, timestampSeconds * 1000 + this.windowMillis + 1000);
    return true;
  }

  /** Signatures remembered now. */
  get size(): number {
    return this.expiries.size;
  }

  /** Drops expired entries, at most once a second: a full pass per request is not needed. */
  private sweep(nowMillis: number): void {
    if (nowMillis < this.nextSweep) return;
    this.nextSweep = nowMillis + 1000;
    for (const [signature, expiry] of this.expiries) if (expiry <= nowMillis) this.expiries.delete(signature);
  }
}
