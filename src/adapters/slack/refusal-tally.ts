// Refused requests counted per source address and minute, so a flood costs one report (one audit
// row) per source and minute instead of one per request. The first refusal of a (source, minute)
// is reported at once, so an attack shows up without delay; later ones are only counted and
// reported when the minute ends (a timer that does not keep the process alive) or on close().
// Every report carries the running total of its window, so a later report supersedes an earlier
// one (the audit row is replaced by id). A source past `limit` refusals in the current minute is
// to be answered 429 before anything is read or verified.

export interface RefusalReport<Reason extends string> {
  /** The remote address, or `overflowSource` once `maxSources` sources refused this minute. */
  source: string;
  /** Start of the minute, ISO 8601. */
  window: string;
  /** Refusals from the source in this minute so far. */
  count: number;
  firstAt: string;
  lastAt: string;
  reasons: Partial<Record<Reason, number>>;
  /** The first refusal of the window. */
  reason: Reason;
  detail: string;
}

export interface RefusalTallyOptions<Reason extends string> {
  report(report: RefusalReport<Reason>): void;
  /** Milliseconds since the epoch, like Date.now. */
  now?: () => number;
  /** Refusals per source and minute after which the source is refused unverified (429). */
  limit: number;
  /** Sources counted separately per minute; refusals from further ones share `overflowSource`. */
  maxSources?: number;
}

/** Where refusals from sources past `maxSources` in a minute are counted (spread-out floods). */
export const overflowSource = '(other sources)';

const windowMillis = 60_000;

interface Tally<Reason extends string> {
  source: string;
  start: number;
  count: number;
  /** `count` when last reported; 0 before the first report. */
  reported: number;
  firstAt: number;
  lastAt: number;
  reasons: Partial<Record<Reason, number>>;
  reason: Reason;
  detail: string;
}

export class RefusalTally<Reason extends string> {
  /** Window start -> source -> tally. */
  private readonly windows = new Map<number, Map<string, Tally<Reason>>>();
  private readonly now: () => number;
  private readonly maxSources: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RefusalTallyOptions<Reason>) {
    this.now = options.now ?? Date.now;
    this.maxSources = options.maxSources ?? 1000;
  }

  /** Counts one refusal; the first one of its source and minute is reported at once. */
  note(source: string, reason: Reason, detail: string): void {
    const at = this.now();
    const start = Math.floor(at / windowMillis) * windowMillis;
    this.flushWindows((windowStart) => windowStart + windowMillis <= at);
    let sources = this.windows.get(start);
    if (sources === undefined) {
      sources = new Map();
      this.windows.set(start, sources);
    }
    const key = sources.has(source) || sources.size < this.maxSources ? source : overflowSource;
    let tally = sources.get(key);
    if (tally === undefined) {
      tally = { source: key, start, count: 0, reported: 0, firstAt: at, lastAt: at, reasons: {}, reason, detail };
      sources.set(key, tally);
    }
    tally.count += 1;
    tally.lastAt = Math.max(tally.lastAt, at);
    tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
    if (tally.reported === 0) this.emit(tally);
    this.schedule();
  }

  /** Whether `source` has had `limit` refusals or more in the current minute. */
  overLimit(source: string): boolean {
    const at = this.now();
    const tally = this.windows.get(Math.floor(at / windowMillis) * windowMillis)?.get(source);
    // The shared overflow count is no single source's doing: it never refuses anyone unverified.
    return tally !== undefined && tally.source !== overflowSource && tally.count >= this.options.limit;
  }

  /** Reports every count not reported yet and forgets everything. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushWindows(() => true);
  }

  private emit(tally: Tally<Reason>): void {
    tally.reported = tally.count;
    this.options.report({
      source: tally.source,
      window: new Date(tally.start).toISOString(),
      count: tally.count,
      firstAt: new Date(tally.firstAt).toISOString(),
      lastAt: new Date(tally.lastAt).toISOString(),
      reasons: { ...tally.reasons },
      reason: tally.reason,
      detail: tally.detail,
    });
  }

  /** Reports the unreported counts of the windows `ended` selects, and drops those windows. */
  private flushWindows(ended: (start: number) => boolean): void {
    for (const [start, sources] of this.windows) {
      if (!ended(start)) continue;
      this.windows.delete(start);
      for (const tally of sources.values()) if (tally.count > tally.reported) this.emit(tally);
    }
  }

  /** One timer, for the end of the oldest window held. */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const oldest = Math.min(...this.windows.keys());
    if (!Number.isFinite(oldest)) return;
    const end = oldest + windowMillis;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The timer is the minute's end, even when a test's clock has not moved that far.
      const at = this.now();
      this.flushWindows((start) => start + windowMillis <= Math.max(at, end));
      this.schedule();
    }, Math.max(0, end - this.now()));
    // Pending counts must not keep the process alive: the owner's close() reports them on shutdown.
    this.timer.unref();
  }
}
