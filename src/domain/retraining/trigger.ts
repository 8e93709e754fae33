// When persistent drift should start a retraining: breaches in K of the last N windows, not
// within a cooldown of the previous retraining, and not while the breach is broken data (a data
// quality incident) rather than a change in the world.
import type { BreachKind } from '../monitoring/types.js';
import { startOfUtcDay } from '../monitoring/windows.js';
import { dayMs } from '../time.js';

export interface TriggerPolicy {
  /** Breaches in at least `k` of the last `n` windows. */
  k: number;
  n: number;
  /** Kinds of breach that count. */
  on: BreachKind[];
  /** No new trigger within this many milliseconds of the last one. */
  cooldownMs: number;
}

export interface RecentWindow {
  windowEnd: string;
  breachKinds: BreachKind[];
  dataQualityIncident: boolean;
  status: 'ok' | 'no_data';
}

export interface TriggerDecision {
  trigger: boolean;
  reason: string;
  /** Windows (their ends) that counted. */
  breachedWindows: string[];
  /**
   * When triggered: the start of the newest day of the oldest breached window counted, the day the
   * breaches began (as far back as the last N windows see).
   */
  breachSince?: string;
}

export function decideRetraining(
  policy: TriggerPolicy,
  recent: RecentWindow[],
  lastTriggeredAt: string | undefined,
  now: string,
): TriggerDecision {
  const latest = [...recent].sort((a, b) => b.windowEnd.localeCompare(a.windowEnd)).slice(0, policy.n);
  const newest = latest[0];
  if (newest === undefined) return { trigger: false, reason: 'no monitored windows yet', breachedWindows: [] };
  if (newest.dataQualityIncident) {
    return { trigger: false, reason: `the newest window (${newest.windowEnd}) is a data quality incident, not drift: fix the data first`, breachedWindows: [] };
  }
  const breached = latest.filter((window) => window.status === 'ok' && !window.dataQualityIncident && window.breachKinds.some((kind) => policy.on.includes(kind)));
  const breachedWindows = breached.map((window) => window.windowEnd);
  if (breached.length < policy.k) {
    return { trigger: false, reason: `${breached.length} of the last ${latest.length} windows breached (${policy.k} needed)`, breachedWindows };
  }
  if (lastTriggeredAt !== undefined && Date.parse(now) - Date.parse(lastTriggeredAt) < policy.cooldownMs) {
    return { trigger: false, reason: `cooldown: the last retraining was triggered at ${lastTriggeredAt}`, breachedWindows };
  }
  return {
    trigger: true,
    reason: `${firedKinds(policy, breached).join('/')}: ${breached.length} of the last ${latest.length} windows breached (threshold ${policy.k} of ${policy.n})`,
    breachedWindows,
    breachSince: breachStart(breachedWindows),
  };
}

function breachStart(windowEnds: readonly string[]): string | undefined {
  const oldest = Math.min(...windowEnds.map((end) => Date.parse(end)));
  if (!Number.isFinite(oldest)) return undefined;
  // Window ends are exclusive: the window's newest day begins one day before its end.
  return new Date(startOfUtcDay(new Date(oldest - dayMs).toISOString())).toISOString();
}

/** The counted kinds of breach that actually fired in the counted windows, in the policy's order. */
function firedKinds(policy: TriggerPolicy, breached: RecentWindow[]): BreachKind[] {
  return policy.on.filter((kind) => breached.some((window) => window.breachKinds.includes(kind)));
}
