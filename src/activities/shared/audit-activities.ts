// The run audit every workflow writes through: one row per run and action (per attempt for refusals).
import { clockOf } from './clock.js';
import type { ActivityDeps } from './activity-deps.js';
import { recordRunAudit, type RunAudit } from './run-events.js';

export function createRunAuditActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /** Named for its first caller; the name is the activity type recorded in workflow histories. */
    async auditRetraining(args: RunAudit): Promise<void> {
      await recordRunAudit(deps, now, args);
    },
  };
}

export type RunAuditActivities = ReturnType<typeof createRunAuditActivities>;
