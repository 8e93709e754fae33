// The audit trail as rows of audit_events: the SELECT that lists events by model, workflow, time
// and action (both dialects), and the rows decoded back into events.
import { RowDecodeError, decodeRows, nullableText, textCell } from '../sql/decode.js';
import type { SqlDialect } from '../sql/dialect.js';
import type { BuiltQuery } from '../sql/query-input.js';
import type { Row } from '../sql/row.js';
import { isoUtc } from '../sql/sql-text.js';
import { tableColumns } from '../sql/tables.js';

/** Who did what, when, in which run: approvals, refusals, deploy steps, rollbacks, cleanup deletions. */
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

export interface AuditFilter {
  model?: string;
  workflowId?: string;
  /** ISO-8601: events at or after. */
  since?: string;
  /** Actions to keep: exact names, or a prefix ending in "*" ("cleanup.*"). */
  actions?: readonly string[];
}

/** Events matching every given filter, oldest first (ties by id). */
export function auditEventsSql(filter: AuditFilter, dialect: SqlDialect, table = 'audit_events'): BuiltQuery {
  const d = dialect;
  const conditions: string[] = [];
  if (filter.model !== undefined) conditions.push(`${d.ident('model')} = ${d.string(filter.model)}`);
  if (filter.workflowId !== undefined) conditions.push(`${d.ident('workflow_id')} = ${d.string(filter.workflowId)}`);
  if (filter.since !== undefined) conditions.push(`${d.ident('at')} >= ${d.string(isoUtc(filter.since, 'since'))}`);
  if (filter.actions !== undefined && filter.actions.length > 0) {
    const one = (action: string): string =>
      action.endsWith('*') ? `starts_with(${d.ident('action')}, ${d.string(action.slice(0, -1))})` : `${d.ident('action')} = ${d.string(action)}`;
    conditions.push(`(${filter.actions.map(one).join(' OR ')})`);
  }
  const columns = tableColumns('audit_events').map((column) => d.ident(column.name));
  const sql =
    `SELECT ${columns.join(', ')}\nFROM ${d.table(table)}\n` +
    `${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}\n`}ORDER BY ${d.ident('at')}, ${d.ident('id')}`;
  return { sql, label: 'audit-events' };
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

function eventOf(row: Row, at: { label: string; index: number }): AuditEvent {
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


/** Rows of auditEventsSql; a detail that is not a JSON object names its row. */
export function decodeAuditEvents(rows: readonly Row[]): AuditEvent[] {
  return decodeRows(rows, 'audit-events', eventOf);
}
