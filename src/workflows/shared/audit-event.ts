// Records one audit event through the worker, for a client that has no audit log of its own and
// no open run to report to: a decision sent to a run that has already closed is refused by the
// server before any workflow code sees it, and must still leave its row in audit_events.
import type { RunAudit } from '../../activities/shared/run-events.js';
import { auditSteps } from './activities.js';

export type AuditEventInput = RunAudit;

export async function auditEventWorkflow(input: AuditEventInput): Promise<void> {
  await auditSteps.auditRetraining(input);
}
