// AuditLog over the Warehouse port: one row of `audit_events` per event, replaced by id, so an
// activity retry leaves one row. Works with any warehouse (DuckDB locally, Athena on AWS).
import { NonRetryableError } from '../../domain/errors.js';
import { auditEventsSql, decodeAuditEvents, type AuditFilter } from '../../domain/audit/audit-events.js';
import { dialectFor, type SqlDialect } from '../../domain/sql/dialect.js';
import { isoUtc, SqlBuildError } from '../../domain/sql/sql-text.js';
import type { AuditEvent, AuditLog } from '../../ports/audit-log.js';
import type { Row } from '../../domain/sql/row.js';
import type { Warehouse } from '../../ports/warehouse.js';

export interface WarehouseAuditLogOptions {
  /** The audit table, optionally "db.table". Default audit_events. */
  table?: string;
}

function detailText(event: AuditEvent): string | null {
  if (event.detail === undefined) return null;
  try {
    return JSON.stringify(event.detail);
  } catch (error) {
    throw new NonRetryableError(`audit event ${event.id}: detail is not JSON-serialisable: ${String(error)}`, 'INVALID_INPUT', { cause: error });
  }
}

function toRow(event: AuditEvent): Row {
  if (event.id.trim() === '') throw new NonRetryableError('audit event id must not be empty', 'INVALID_INPUT');
  let at: string;
  try {
    at = isoUtc(event.at, `audit event ${event.id} time`);
  } catch (error) {
    if (error instanceof SqlBuildError) throw new NonRetryableError(error.message, 'INVALID_INPUT', { cause: error });
    throw error;
  }
  return {
    id: event.id,
    at,
    actor: event.actor,
    action: event.action,
    model: event.model ?? null,
    detail: detailText(event),
    workflow_id: event.workflowId ?? null,
    run_id: event.runId ?? null,
  };
}

export class WarehouseAuditLog implements AuditLog {
  private readonly table: string;
  private readonly sql: SqlDialect;

  constructor(
    private readonly warehouse: Warehouse,
    options: WarehouseAuditLogOptions = {},
  ) {
    this.table = options.table ?? 'audit_events';
    this.sql = dialectFor(warehouse.dialect);
  }

  async record(event: AuditEvent): Promise<void> {
    await this.warehouse.replaceRows(this.table, { id: event.id }, [toRow(event)]);
  }

  /** Events matching every given filter, oldest first (ties by id). */
  async list(filter: AuditFilter): Promise<AuditEvent[]> {
    const built = auditEventsSql(filter, this.sql, this.table);
    return decodeAuditEvents((await this.warehouse.query(built.sql, { label: built.label })).rows);
  }
}
