// Champion vs challenger: the candidate may go to a human only if, on the same holdout rows, its
// RMSE is not worse than production's by more than the tolerance.
import type { EvaluationMetrics } from './evaluation-metrics.js';
import { formatNumber } from '../alerts/format.js';

export interface GateVerdict {
  passed: boolean;
  text: string;
}

/**
 * `championVersion`: the version serving when the run was planned. With one, the gate always
 * compares: a champion that could not be evaluated fails the candidate rather than waving it through.
 */
export function championChallengerGate(
  candidate: EvaluationMetrics,
  champion: EvaluationMetrics | undefined,
  tolerance: number,
  championVersion?: string,
): GateVerdict {
  if (candidate.rmse === null || candidate.rows === 0) {
    return { passed: false, text: 'the candidate has no holdout RMSE (no labelled holdout rows)' };
  }
  if (championVersion !== undefined && (champion === undefined || champion.rmse === null || champion.rows === 0)) {
    return {
      passed: false,
      text: `champion ${championVersion} could not be evaluated on the holdout (no artifact, and no predictions it logged on labelled holdout rows): nothing to compare the candidate with`,
    };
  }
  if (champion === undefined || champion.rmse === null) {
    return { passed: true, text: `candidate RMSE ${formatNumber(candidate.rmse)} on ${candidate.rows} rows; no champion to compare with` };
  }
  const basis = champion.basis === 'logged-predictions' ? ' (the champion by the predictions it logged)' : '';
  const bound = champion.rmse * (1 + tolerance);
  const passed = candidate.rmse <= bound;
  return {
    passed,
    text: `candidate RMSE ${formatNumber(candidate.rmse)} ${passed ? '<=' : '>'} champion ${formatNumber(champion.rmse)} x ${formatNumber(1 + tolerance)} (= ${formatNumber(bound)}) on the same ${candidate.rows} holdout rows${basis}`,
  };
}
