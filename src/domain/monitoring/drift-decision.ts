// Which metric decides a subject's drift and the rule it is judged by: a distance against its
// threshold, or a p-value, corrected across subjects (Benjamini-Hochberg), below the FDR level.
// The window evaluation and the CloudWatch alarms both read it, so they cannot disagree.
import type { ThresholdRule } from '../stats/index.js';
import type { DriftRule } from './policy.js';

const pValueMethods = new Set(['ks_p_value', 'chi2_p_value']);

export function isPValueMethod(method: string): boolean {
  return pValueMethods.has(method);
}

export interface DriftDecision {
  /** The metric recorded with the rule: the method, or `<method>_bh` for a p-value method. */
  metric: string;
  rule: ThresholdRule;
}

export function driftDecision(rule: DriftRule, fdrAlpha: number): DriftDecision {
  return isPValueMethod(rule.method)
    ? { metric: `${rule.method}_bh`, rule: { op: '<', threshold: fdrAlpha } }
    : { metric: rule.method, rule: { op: '>=', threshold: rule.threshold } };
}
