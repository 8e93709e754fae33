// Records one audit event through the worker, for a client that has no audit log of its own and
// no open run to report to: a decision sent to a run that has already closed is refused by the
// server before any workflow code sees it, and must still leave its row in audit_events.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import type { RunAudit } from '../../activities/shared/run-events.js';
import { stepRetry } from './activity-retry.js';

const { auditRetraining } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: stepRetry,
});

export type AuditEventInput = RunAudit;

export async function auditEventWorkflow(input: AuditEventInput): Promise<void> {
  await auditRetraining(input);
}
