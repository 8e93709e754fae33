// Who did what, when, in which run: approvals, refusals, deploy steps, rollbacks.
// `audit_events` in the warehouse (both modes); CloudTrail records the AWS calls themselves.
import type { AuditEvent, AuditFilter } from '../domain/audit/audit-events.js';

export type { AuditEvent, AuditFilter } from '../domain/audit/audit-events.js';

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEvent[]>;
}
