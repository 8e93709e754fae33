// Alerts per kind of breach (drift, performance, bias, quality, no data), each an incident: a
// breach that persists updates the incident's message; a newer window without it closes it, and an
// older window re-evaluated later does not reopen it.
import { log } from '@temporalio/activity';
import { DeliveryLedger } from '../shared/delivery-ledger.js';
import { notifyAll } from '../shared/notify-all.js';
import { runLink } from '../shared/run-events.js';
import type { Breach, BreachKind, TimeWindow } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import type { Alert, Severity } from '../../domain/alerts/alert.js';
import type { ActivityDeps } from '../shared/activity-deps.js';

export interface WindowAlertArgs {
  model: string;
  window: TimeWindow;
  runId: string;
  workflowId: string;
  breaches: Breach[];
  text?: string;
}

const kinds: BreachKind[] = ['no_data', 'quality', 'drift', 'performance', 'bias'];
const titles: Record<BreachKind, string> = {
  no_data: 'no data in the monitoring window',
  quality: 'data quality thresholds crossed',
  drift: 'drift detected',
  performance: 'performance out of bounds',
  bias: 'bias drift between facet groups',
};
const severities: Record<BreachKind, Severity> = { no_data: 'critical', quality: 'critical', drift: 'warning', performance: 'critical', bias: 'warning' };


export async function raiseWindowAlerts(deps: ActivityDeps, now: () => Date, args: WindowAlertArgs): Promise<{ notified: number }> {
  const { model, window } = args;
  const url = runLink(deps, args.workflowId, args.runId);
  let notified = 0;
  const failures: string[] = [];
  // A retry after a failing channel sends only what did not go out (see DeliveryLedger).
  const ledger = new DeliveryLedger(`${args.workflowId}/${args.runId}`);
  for (const kind of kinds) {
    const key = `${model}:${kind}`;
    const breaches = args.breaches.filter((breach) => breach.kind === kind);
    const open = await deps.incidents.open(key);
    if (breaches.length === 0) {
      // Only a newer window proves the breach is gone; re-evaluating an older one does not.
      if (open !== undefined && window.end > open.lastWindowEnd) {
        await deps.incidents.close(key, now().toISOString(), window.end);
        log.info('incident closed', { key, window: windowLabel(window) });
      }
      continue;
    }
    // Symmetrically, re-evaluating a window older than the clean one that closed the incident
    // (a relabel pass) never reopens it: one incident decision per run, made by the newest window.
    if (open === undefined) {
      const closedThrough = await deps.incidents.closedThrough(key);
      if (closedThrough !== undefined && window.end < closedThrough) {
        log.info('incident stays closed: an older window breached', { key, window: windowLabel(window), closedThrough });
        continue;
      }
    }
    const occurrences = (open?.occurrences ?? 0) + (open !== undefined && window.end <= open.lastWindowEnd ? 0 : 1);
    const alert: Alert = {
      incidentKey: key,
      severity: severities[kind],
      model,
      title: open === undefined ? titles[kind] : `${titles[kind]} (${occurrences} windows running)`,
      window,
      breaches: breaches.map(({ subject, metric, value, threshold, excess }) => ({ subject, metric, value, threshold, excess })),
      runUrl: url,
      ...(args.text === undefined ? {} : { text: args.text }),
      idempotencyKey: ledger.idempotencyKey(key),
    };
    const refs: Record<string, string> = { ...(open?.messageRefs ?? {}) };
    const sent = await notifyAll(deps.notifiers, alert, ledger, { deliveryKey: (channel) => `${kind}:${channel}`, refs, failurePrefix: `${key} via ` });
    notified += sent.delivered;
    failures.push(...sent.failures);
    const at = now().toISOString();
    await deps.incidents.save({
      key,
      model,
      kind,
      openedAt: open?.openedAt ?? at,
      lastSeenAt: at,
      lastWindowEnd: open === undefined || window.end > open.lastWindowEnd ? window.end : open.lastWindowEnd,
      occurrences,
      messageRefs: refs,
    });
  }
  // Thrown only after every kind was handled, so one failing channel does not hold back the other
  // kinds' alerts (or the closing of their incidents) either.
  if (failures.length > 0) throw new Error(`alert delivery failed: ${failures.join('; ')}`);
  return { notified };
}
