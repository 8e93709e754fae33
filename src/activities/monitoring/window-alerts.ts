// A window's alerts: one incident per kind of breach, and the "no data" alert of an empty window.
import type { Breach, PreparedWindow } from '../../domain/monitoring/types.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { raiseWindowAlerts } from './alerting.js';
import type { WindowRef } from './window-query.js';

export function createWindowAlertActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    async alertNoData({ model, window, runId, workflowId, prepared }: WindowRef & { workflowId: string; prepared: PreparedWindow }): Promise<void> {
      const breach: Breach = { kind: 'no_data', group: 'run', subject: 'window', metric: 'valid_rows', value: 0, threshold: 1, excess: 1 };
      await raiseWindowAlerts(deps, now, {
        model,
        window,
        runId,
        workflowId,
        breaches: [breach],
        text: `The window has ${prepared.rows} rows, ${prepared.quarantined} of them quarantined: nothing to monitor.`,
      });
    },

    async raiseAlerts(args: WindowRef & { workflowId: string; breaches: Breach[] }): Promise<{ notified: number }> {
      return raiseWindowAlerts(deps, now, args);
    },
  };
}
