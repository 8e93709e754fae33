// What retraining and deploy runs tell the world: audit events keyed by run and action (so a
// retried step writes its event once), one-off alerts to every notifier, and the link to the run
// in the Temporal UI.
import type { AuditEvent } from '../../ports/audit-log.js';
import type { Alert, Severity } from '../../domain/alerts/alert.js';
import { namespaceOf } from './activity-context.js';
import { runUrl } from '../../domain/links/temporal-ui.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { notifyAll } from './notify-all.js';
import type { ActivityDeps } from './activity-deps.js';

/** The run's page in the configured Temporal UI, in the activity's namespace. */
export function runLink(deps: ActivityDeps, workflowId: string, runId: string): string {
  return runUrl(deps.loaded.config.temporal.uiUrl, namespaceOf(), workflowId, runId);
}

export interface RunAudit {
  model: string;
  workflowId: string;
  runId: string;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
  /**
   * Set for events that may happen many times in a run (refused decisions): each attempt is its
   * own row. Without it the event is one per run and action, so a retried step writes it once.
   */
  attemptId?: string;
}

export async function recordRunAudit(deps: ActivityDeps, now: () => Date, event: RunAudit): Promise<void> {
  const record: AuditEvent = {
    id: `${event.workflowId}:${event.runId}:${event.action}${event.attemptId === undefined ? '' : `:${event.attemptId}`}`,
    at: now().toISOString(),
    actor: event.actor,
    action: event.action,
    model: event.model,
    detail: event.detail,
    workflowId: event.workflowId,
    runId: event.runId,
  };
  await deps.audit.record(record);
}

export interface RunAlert {
  model: string;
  workflowId: string;
  runId: string;
  incidentKey: string;
  severity: Severity;
  title: string;
  text: string;
}

/**
 * One-off alerts go to every notifier; a failing channel fails the step after all were tried, and
 * its retry sends only to the channels that have not had it yet.
 */
export async function alertRun(deps: ActivityDeps, args: RunAlert): Promise<void> {
  const ledger = new DeliveryLedger(`${args.workflowId}/${args.runId}/${args.incidentKey}`);
  const alert: Alert = {
    incidentKey: args.incidentKey,
    severity: args.severity,
    model: args.model,
    title: args.title,
    breaches: [],
    text: args.text,
    runUrl: runLink(deps, args.workflowId, args.runId),
    idempotencyKey: ledger.idempotencyKey(args.incidentKey),
  };
  const { failures } = await notifyAll(deps.notifiers, alert, ledger, { deliveryKey: (channel) => channel, refs: {} });
  if (failures.length > 0) throw new Error(`alert delivery failed: ${failures.join('; ')}`);
}
