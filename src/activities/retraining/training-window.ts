// Where a retraining's training window starts: trainingDays back, or from the day the breaches
// began, reaching back far enough that a weekday calendar feature sees every weekday with labels.
import type { FeatureContract } from '../../domain/contract/contract.js';
import { startOfUtcDay } from '../../domain/monitoring/windows.js';
import { decodeLabelledDays, labelledDaysSql, type LabelledDay } from '../../domain/sql/labelled-days.js';
import { dayMs } from '../../domain/time.js';
import { windowQueryInput } from '../monitoring/window-query.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `trainingDays` before the end; with `trainingStart: breach`, no earlier than the day the breaches
 * began, but always at least `minimumDays` (one; a whole week when the contract has a weekday
 * calendar feature, so every day of the week is learned — a weekday the training never saw would
 * be predicted at no day's level).
 */
export function trainingStart(
  trainingEnd: number,
  policy: { trainingDays: number; trainingStart: 'window' | 'breach' },
  breachSince: string | undefined,
  minimumDays = 1,
): number {
  const byDays = trainingEnd - policy.trainingDays * dayMs;
  if (policy.trainingStart !== 'breach' || breachSince === undefined) return byDays;
  const since = startOfUtcDay(breachSince);
  return Math.min(trainingEnd - Math.min(minimumDays, policy.trainingDays) * dayMs, Math.max(byDays, since));
}

/** Days a training window must span to see every value of the contract's calendar features. */
export function calendarTrainingDays(contract: FeatureContract): number {
  return contract.features.some((feature) => feature.calendar === 'weekday') ? 7 : 1;
}

/** Labelled rows a weekday needs in the training window for its level to be learned. */
export const minLabelledRowsPerWeekday = 30;

/**
 * The start of the newest day from which every weekday has `minRows` labelled rows (walking back
 * from the end), or undefined when the days given never cover all seven. Delayed labels leave the
 * newest days nearly unlabelled, so a calendar span alone can miss a weekday.
 */
export function weekdayCoverageStart(days: readonly LabelledDay[], minRows = minLabelledRowsPerWeekday): number | undefined {
  const covered = new Map<number, number>();
  for (const { day, rows } of [...days].sort((a, b) => b.day.localeCompare(a.day))) {
    const start = Date.parse(`${day}T00:00:00Z`);
    const weekday = new Date(start).getUTCDay();
    covered.set(weekday, (covered.get(weekday) ?? 0) + rows);
    if (covered.size === 7 && [...covered.values()].every((count) => count >= minRows)) return start;
  }
  return undefined;
}

/**
 * The training start: with a weekday calendar feature and a breach-started window, far enough back
 * that every weekday has labelled rows (never beyond trainingDays), else `trainingStart`.
 */
export async function calendarAwareStart(
  deps: ActivityDeps,
  model: string,
  { trainingEnd, at, breachSince }: { trainingEnd: number; at: string; breachSince: string | undefined },
): Promise<number> {
  const { config, contract } = modelOf(deps, model);
  const policy = config.retraining;
  const minimumDays = calendarTrainingDays(contract);
  const start = trainingStart(trainingEnd, policy, breachSince, minimumDays);
  if (minimumDays === 1 || policy.trainingStart !== 'breach' || breachSince === undefined) return start;
  const earliest = trainingEnd - policy.trainingDays * dayMs;
  const { input } = await windowQueryInput(deps, model, { start: iso(earliest), end: iso(trainingEnd) });
  const built = labelledDaysSql({ ...input, asOf: at });
  const covered = weekdayCoverageStart(decodeLabelledDays((await deps.warehouse.query(built.sql, { label: built.label })).rows));
  return Math.min(start, covered ?? earliest);
}
