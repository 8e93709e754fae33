// Collects a window's metric rows in the order they are computed, and the breaches among them.
import { evaluateThreshold, type ThresholdRule } from '../stats/index.js';
import type { Breach, BreachKind, MetricGroup, MetricRecord } from './types.js';

export class MetricCollector {
  readonly metrics: MetricRecord[] = [];
  readonly breaches: Breach[] = [];

  add(group: MetricGroup, subject: string, metric: string, value: number | null, kind?: BreachKind, rule?: ThresholdRule): void {
    if (rule === undefined || kind === undefined) {
      this.metrics.push({ group, subject, metric, value, threshold: null, breached: false });
      return;
    }
    const result = evaluateThreshold(value, rule);
    const bound = boundOf(rule, value);
    this.metrics.push({ group, subject, metric, value, threshold: bound, breached: result.breached });
    if (result.breached && bound !== null) {
      this.breaches.push({ kind, group, subject, metric, value, threshold: bound, excess: result.excess });
    }
  }
}

/** The threshold a value is compared with: the rule's, or the range bound nearest to the value. */
export function boundOf(rule: ThresholdRule, value: number | null): number | null {
  if ('threshold' in rule) return rule.threshold;
  if (value !== null && rule.max !== undefined && value > rule.max) return rule.max;
  if (value !== null && rule.min !== undefined && value < rule.min) return rule.min;
  return rule.max ?? rule.min ?? null;
}
