// Who did what, when, in which run: approvals, refusals, deploy steps, rollbacks.
// `audit_events` in the warehouse (both modes); CloudTrail records the AWS calls themselves.

export interface AuditEvent {
  /** Stable id, so an activity retry writes the event once. */
  id: string;
  at: string;
  actor: string;
  action: string;
  model?: string;
  detail?: Record<string, unknown>;
  workflowId?: string;
  runId?: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  list(filter: { model?: string; workflowId?: string }): Promise<AuditEvent[]>;
}
