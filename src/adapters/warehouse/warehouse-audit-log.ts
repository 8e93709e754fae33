// AuditLog over the Warehouse port: one row of `audit_events` per event, replaced by id, so an
// activity retry leaves one row. Works with any warehouse (DuckDB locally, Athena on AWS).
import { NonRetryableError } from '../../domain/errors.js';
import { RowDecodeError, decodeRows, nullableText, textCell } from '../../domain/sql/decode.js';
import { dialectFor, type SqlDialect } from '../../domain/sql/dialect.js';
import { isoUtc, SqlBuildError } from '../../domain/sql/sql-text.js';
import { tableColumns } from '../../domain/sql/tables.js';
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

function parseDetail(text: string, at: { label: string; index: number }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RowDecodeError(`${at.label} row ${at.index}: column "detail" is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RowDecodeError(`${at.label} row ${at.index}: column "detail" is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function fromRow(row: Row, at: { label: string; index: number }): AuditEvent {
  const event: AuditEvent = {
    id: textCell(row, 'id', at),
    at: textCell(row, 'at', at),
    actor: textCell(row, 'actor', at),
    action: textCell(row, 'action', at),
  };
  const model = nullableText(row, 'model', at);
  const detail = nullableText(row, 'detail', at);
  const workflowId = nullableText(row, 'workflow_id', at);
  const runId = nullableText(row, 'run_id', at);
  if (model !== null) event.model = model;
  if (detail !== null) event.detail = parseDetail(detail, at);
  if (workflowId !== null) event.workflowId = workflowId;
  if (runId !== null) event.runId = runId;
  return event;
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
  async list(filter: { model?: string; workflowId?: string }): Promise<AuditEvent[]> {
    const d = this.sql;
    const conditions: string[] = [];
    if (filter.model !== undefined) conditions.push(`${d.ident('model')} = ${d.string(filter.model)}`);
    if (filter.workflowId !== undefined) conditions.push(`${d.ident('workflow_id')} = ${d.string(filter.workflowId)}`);
    const columns = tableColumns('audit_events').map((column) => d.ident(column.name));
    const sql =
      `SELECT ${columns.join(', ')}\nFROM ${d.table(this.table)}\n` +
      `${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}\n`}ORDER BY ${d.ident('at')}, ${d.ident('id')}`;
    const { rows } = await this.warehouse.query(sql, { label: 'audit-events' });
    return decodeRows(rows, 'audit-events', fromRow);
  }
}
