// Whether a metric value crosses its alert rule: a comparison ("breach when psi >= 0.2") or an
// allowed range ("rmse must stay within [0, 12]"). The shapes match the deployment config.

export type ComparisonOperator = '>=' | '>' | '<=' | '<';

/** Breached when `value op threshold` holds. */
export interface ComparisonRule {
  op: ComparisonOperator;
  threshold: number;
}

/** Breached when the value lies outside [min, max]; a missing bound does not limit. */
export interface AllowedRange {
  min?: number | undefined;
  max?: number | undefined;
}

export type ThresholdRule = ComparisonRule | AllowedRange;

export interface ThresholdResult {
  /** False when there was no value to judge (null or NaN): such a value never breaches. */
  evaluated: boolean;
  breached: boolean;
  /** How far past the threshold or outside the range (>= 0); 0 when not breached, null when not evaluated. */
  excess: number | null;
}

const notEvaluated: ThresholdResult = { evaluated: false, breached: false, excess: null };

export function evaluateThreshold(value: number | null, rule: ThresholdRule): ThresholdResult {
  return 'op' in rule ? evaluateComparison(value, rule) : evaluateRange(value, rule);
}

export function evaluateComparison(value: number | null, rule: ComparisonRule): ThresholdResult {
  if (value === null || Number.isNaN(value)) return { ...notEvaluated };
  const { op, threshold } = rule;
  const breached = op === '>=' ? value >= threshold : op === '>' ? value > threshold : op === '<=' ? value <= threshold : value < threshold;
  const beyond = op === '>=' || op === '>' ? value - threshold : threshold - value;
  return { evaluated: true, breached, excess: breached ? beyond : 0 };
}

export function evaluateRange(value: number | null, range: AllowedRange): ThresholdResult {
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw new RangeError(`allowed range has min ${range.min} above max ${range.max}`);
  }
  if (value === null || Number.isNaN(value)) return { ...notEvaluated };
  if (range.min !== undefined && value < range.min) return { evaluated: true, breached: true, excess: range.min - value };
  if (range.max !== undefined && value > range.max) return { evaluated: true, breached: true, excess: value - range.max };
  return { evaluated: true, breached: false, excess: 0 };
}
