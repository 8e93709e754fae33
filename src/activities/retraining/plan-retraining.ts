// Plans a retraining run: the candidate's version name, the champion it must beat, the training
// and holdout windows, and the approval policy, all fixed up front so every later step agrees.
import { durationMs } from '../../config/duration.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { startOfUtcDay } from '../../domain/monitoring/windows.js';
import type { Approver } from '../../domain/retraining/approval-check.js';
import { dayMs } from '../../domain/time.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export interface RetrainingPlan {
  candidateVersion: string;
  championVersion?: string;
  trainingWindow: TimeWindow;
  holdoutWindow: TimeWindow;
  holdoutShare: number;
  asOf: string;
  approvers: Approver[];
  approvalTimeoutMs: number;
  tolerance: number;
  ridgeAlpha: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** v1, v2, ...: the next number after every version the registry and the host know. */
export function nextVersion(known: string[]): string {
  const numbers = known.map((version) => /^v(\d+)$/.exec(version)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  return `v${Math.max(0, ...numbers) + 1}`;
}

/**
 * `trainingDays` before the end; with `trainingStart: breach`, no earlier than the day the breaches
 * began, and always at least one day (a breach on the last day still trains on that day).
 */
export function trainingStart(
  trainingEnd: number,
  policy: { trainingDays: number; trainingStart: 'window' | 'breach' },
  breachSince: string | undefined,
): number {
  const byDays = trainingEnd - policy.trainingDays * dayMs;
  if (policy.trainingStart !== 'breach' || breachSince === undefined) return byDays;
  const since = startOfUtcDay(breachSince);
  return Math.min(trainingEnd - dayMs, Math.max(byDays, since));
}

export function createPlanRetraining(deps: ActivityDeps) {
  return {
    async planRetraining({ model, at, breachSince }: { model: string; at: string; breachSince?: string }): Promise<RetrainingPlan> {
      return classified(`plan retraining of ${model}`, async () => {
        const config = modelOf(deps, model).config;
        const policy = config.retraining;
        const production = await deps.modelHost.describeEndpoint(config.endpoints.production);
        const registered = (await deps.registry.list(model)).map((entry) => entry.version);
        const hosted = (await deps.modelHost.listModelVersions(model)).map((entry) => entry.version);
        // Whole days: the holdout ends where `at`'s day begins, training ends where holdout begins.
        const end = startOfUtcDay(at);
        const holdoutStart = end - policy.holdoutDays * dayMs;
        // A hash split lets training reach the newest day; a time split stops where holdout begins.
        const trainingEnd = policy.holdoutShare < 1 ? end : holdoutStart;
        return {
          candidateVersion: nextVersion([...registered, ...hosted]),
          ...(production?.currentVersion === undefined ? {} : { championVersion: production.currentVersion }),
          trainingWindow: { start: iso(trainingStart(trainingEnd, policy, breachSince)), end: iso(trainingEnd) },
          holdoutWindow: { start: iso(holdoutStart), end: iso(end) },
          holdoutShare: policy.holdoutShare,
          asOf: at,
          approvers: config.approvers,
          approvalTimeoutMs: durationMs(policy.approvalTimeout),
          tolerance: policy.tolerance,
          ridgeAlpha: policy.ridgeAlpha,
        };
      });
    },
  };
}
