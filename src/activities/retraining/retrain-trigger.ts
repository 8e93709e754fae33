// The drift trigger: whether persistent drift in recent windows calls for a retraining now.
import { durationMs } from '../../config/retraining-schema.js';
import type { BreachKind } from '../../domain/monitoring/types.js';
import { decideRetraining, type RecentWindow, type TriggerDecision } from '../../domain/retraining/trigger.js';
import { dialectFor } from '../../domain/sql/dialect.js';
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
        const sql = dialectFor(deps.warehouse.dialect);
        const { rows } = await deps.warehouse.query(
          `SELECT window_end, status, summary FROM monitoring_runs WHERE model = ${sql.string(model)} AND window_end <= ${sql.string(new Date(Date.parse(at)).toISOString())} ` +
            `ORDER BY window_end DESC LIMIT ${Math.trunc(trigger.n)}`,
          { label: `trigger:${model}` },
        );
        const recent: RecentWindow[] = rows.map((row) => {
          const summary = parseSummary(row.summary);
          return {
            windowEnd: String(row.window_end),
            status: row.status === 'no_data' ? 'no_data' : 'ok',
            breachKinds: summary.breachKinds,
            dataQualityIncident: summary.dataQualityIncident,
          };
        });
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

function parseSummary(value: unknown): { breachKinds: BreachKind[]; dataQualityIncident: boolean } {
  try {
    const parsed = JSON.parse(String(value)) as { breachKinds?: BreachKind[]; dataQualityIncident?: boolean };
    return { breachKinds: parsed.breachKinds ?? [], dataQualityIncident: parsed.dataQualityIncident === true };
  } catch {
    return { breachKinds: [], dataQualityIncident: false };
  }
}
