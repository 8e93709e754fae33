// Plans a retraining run: the candidate's version name, the champion it must beat, the training
// and holdout windows, and the approval policy, all fixed up front so every later step agrees.
import { durationMs } from '../../config/duration.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { startOfUtcDay } from '../../domain/monitoring/windows.js';
import type { Approver } from '../../domain/retraining/approval-check.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { dayMs } from '../../domain/time.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';
import { calendarAwareStart, trainingStart } from './training-window.js';

export interface RetrainingPlan {
  candidateVersion: string;
  championVersion?: string;
  trainingWindow: TimeWindow;
  /**
   * What the candidate's windows will be compared with: the training window, less the days a
   * breach-started training reaches back only to see every weekday (they belong to the old regime).
   * Absent from plans made before it existed: the training window.
   */
  referenceWindow?: TimeWindow;
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
 * When the production endpoint is not Vigil's to describe (a model served elsewhere), the champion
 * is the newest approved version, e.g. one registered with `vigil model register`.
 */
function newestApproved(entries: readonly RegisteredVersion[]): string | undefined {
  const approved = entries.filter((entry) => entry.status === 'Approved');
  return approved.sort((a, b) => Date.parse(b.registeredAt) - Date.parse(a.registeredAt))[0]?.version;
}

export function createPlanRetraining(deps: ActivityDeps) {
  return {
    async planRetraining({ model, at, breachSince }: { model: string; at: string; breachSince?: string }): Promise<RetrainingPlan> {
      return classified(`plan retraining of ${model}`, async () => {
        const config = modelOf(deps, model).config;
        const policy = config.retraining;
        const production = await deps.modelHost.describeEndpoint(config.endpoints.production);
        const entries = await deps.registry.list(model);
        const registered = entries.map((entry) => entry.version);
        const hosted = (await deps.modelHost.listModelVersions(model)).map((entry) => entry.version);
        const champion = production?.currentVersion ?? newestApproved(entries);
        // Whole days: the holdout ends where `at`'s day begins, training ends where holdout begins.
        const end = startOfUtcDay(at);
        const holdoutStart = end - policy.holdoutDays * dayMs;
        // A hash split lets training reach the newest day; a time split stops where holdout begins.
        const trainingEnd = policy.holdoutShare < 1 ? end : holdoutStart;
        return {
          // The serving version counts even when neither the registry nor the host made it.
          candidateVersion: nextVersion([...registered, ...hosted, ...(champion === undefined ? [] : [champion])]),
          ...(champion === undefined ? {} : { championVersion: champion }),
          trainingWindow: { start: iso(await calendarAwareStart(deps, model, { trainingEnd, at, breachSince })), end: iso(trainingEnd) },
          referenceWindow: { start: iso(trainingStart(trainingEnd, policy, breachSince)), end: iso(trainingEnd) },
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
