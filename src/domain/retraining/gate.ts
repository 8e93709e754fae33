// Champion vs challenger: the candidate may go to a human only if, on the same holdout rows, its
// RMSE is not worse than production's by more than the tolerance.
import type { EvaluationMetrics } from './evaluation-metrics.js';
import { formatNumber } from '../alerts/format.js';

export interface GateVerdict {
  passed: boolean;
  text: string;
}

export function championChallengerGate(candidate: EvaluationMetrics, champion: EvaluationMetrics | undefined, tolerance: number): GateVerdict {
  if (candidate.rmse === null || candidate.rows === 0) {
    return { passed: false, text: 'the candidate has no holdout RMSE (no labelled holdout rows)' };
  }
  if (champion === undefined || champion.rmse === null) {
    return { passed: true, text: `candidate RMSE ${formatNumber(candidate.rmse)} on ${candidate.rows} rows; no champion to compare with` };
  }
  const bound = champion.rmse * (1 + tolerance);
  const passed = candidate.rmse <= bound;
  return {
    passed,
    text: `candidate RMSE ${formatNumber(candidate.rmse)} ${passed ? '<=' : '>'} champion ${formatNumber(champion.rmse)} x ${formatNumber(1 + tolerance)} (= ${formatNumber(bound)}) on the same ${candidate.rows} holdout rows`,
  };
}
