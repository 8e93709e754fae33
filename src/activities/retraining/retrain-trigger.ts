// The drift trigger: whether persistent drift in recent windows calls for a retraining now.
import { durationMs } from '../../config/duration.js';
import { decideRetraining, type RecentWindow, type TriggerDecision } from '../../domain/retraining/trigger.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import { decodeRecentRuns, recentRunsSql } from '../../domain/sql/monitoring-runs.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export function createRetrainTriggerActivities(deps: ActivityDeps) {
  return {
    /** K of the last N windows breached, outside the cooldown, and not a data quality incident. */
    async evaluateRetrainTrigger({ model, at }: { model: string; at: string }): Promise<TriggerDecision> {
      return classified(`retraining trigger of ${model}`, async () => {
        const trigger = modelOf(deps, model).config.retraining.trigger;
        if (!trigger.enabled) return { trigger: false, reason: 'the drift trigger is disabled', breachedWindows: [] };
        const built = recentRunsSql({ model, until: at, limit: trigger.n, dialect: dialectFor(deps.warehouse.dialect) });
        const recent: RecentWindow[] = decodeRecentRuns((await deps.warehouse.query(built.sql, { label: built.label })).rows).map((run) => ({
          windowEnd: run.windowEnd,
          status: run.status,
          breachKinds: run.summary.breachKinds,
          dataQualityIncident: run.summary.dataQualityIncident,
        }));
        const triggered = await deps.audit.list({ model });
        // The cooldown runs on the monitoring timeline (a backfill's nominal times), not the wall clock.
        const last = triggered
          .filter((event) => event.action === 'retraining.triggered')
          .map((event) => (typeof event.detail?.nominalAt === 'string' ? event.detail.nominalAt : event.at))
          .sort()
          .at(-1);
        return decideRetraining({ k: trigger.k, n: trigger.n, on: trigger.on, cooldownMs: durationMs(trigger.cooldown) }, recent, last, at);
      });
    },
  };
}
