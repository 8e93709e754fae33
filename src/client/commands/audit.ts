// `vigil audit [-m M] [--since 30d] [--action A]`: who approved, rejected, deployed, rolled back and
// cleaned up, from audit_events — the local results' snapshot (readable while the worker runs) or
// Athena. CloudTrail holds the AWS calls beside it.
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { athenaWarehouseFor } from '../../adapters/aws/athena/athena-warehouse-for.js';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import { existingSnapshots, querySnapshots, resultsSnapshotDir } from '../../adapters/local/duckdb/results-export.js';
import { durationMs } from '../../config/duration.js';
import { resolvePath, type LoadedConfig } from '../../config/load.js';
import { auditEventsSql, decodeAuditEvents, type AuditEvent, type AuditFilter } from '../../domain/audit/audit-events.js';
import { auditSummary } from '../../domain/audit/audit-summary.js';
import { athenaDialect, duckdbDialect } from '../../domain/sql/dialect.js';
import { renderTable } from '../../terminal/table.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface AuditOptions {
  config: string;
  model?: string;
  /** A span back from now ("30d", "12h") or an ISO-8601 date or instant. */
  since?: string;
  /** Exact actions or prefixes ending in "*", comma-separated. */
  action?: string;
  json?: boolean;
  /** Now (tests); default the clock. */
  now?: Date;
}

export function sinceInstant(since: string, now: Date): string {
  if (/^\d+[smhdw]$/.test(since)) return new Date(now.getTime() - durationMs(since)).toISOString();
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since);
  if (Number.isNaN(at)) throw new Error(`--since must be a span such as 30d or a date such as 2026-11-01, got "${since}"`);
  return new Date(at).toISOString();
}

export async function auditCommand(options: AuditOptions): Promise<AuditEvent[]> {
  const loaded = await loadCliConfig(options.config);
  if (options.model !== undefined && !loaded.config.models.some((model) => model.id === options.model)) {
    throw new Error(`${loaded.path}: no model "${options.model}" (models: ${loaded.config.models.map((model) => model.id).join(', ')})`);
  }
  const filter: AuditFilter = {
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.since === undefined ? {} : { since: sinceInstant(options.since, options.now ?? new Date()) }),
    ...(options.action === undefined ? {} : { actions: options.action.split(',').map((action) => action.trim()).filter((action) => action !== '') }),
  };
  const events = loaded.config.mode === 'aws' ? await fromAthena(loaded, filter) : await fromSnapshot(loaded, filter);
  if (options.json === true) {
    for (const event of events) console.log(JSON.stringify(event));
  } else if (events.length === 0) {
    console.log('no audit events match');
  } else {
    console.log(renderTable(['at', 'model', 'action', 'actor', 'what', 'workflow'], events.map((event) => [event.at, event.model ?? '', event.action, event.actor, auditSummary(event.detail), event.workflowId ?? ''])));
    console.log(`(${events.length} event${events.length === 1 ? '' : 's'})`);
  }
  return events;
}

async function fromSnapshot(loaded: LoadedConfig, filter: AuditFilter): Promise<AuditEvent[]> {
  const dir = resultsSnapshotDir(resolvePath(loaded.path, loaded.config.dataDir));
  const snapshots = await existingSnapshots(dir);
  if (!snapshots.has('audit_events')) return [];
  const built = auditEventsSql(filter, duckdbDialect);
  return decodeAuditEvents((await querySnapshots(new Map([['audit_events', snapshots.get('audit_events') ?? '']]), built.sql)).rows);
}

async function fromAthena(loaded: LoadedConfig, filter: AuditFilter): Promise<AuditEvent[]> {
  const aws = loaded.config.aws;
  if (aws === undefined) throw new Error(`${loaded.path}: mode "aws" needs the aws section`);
  const settings = awsClientSettings(aws);
  const athena = new AthenaClient(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: aws.endpointUrl !== undefined });
  const warehouse = athenaWarehouseFor(aws, { athena, s3 });
  try {
    const built = auditEventsSql(filter, athenaDialect);
    return decodeAuditEvents((await warehouse.query(built.sql, { label: built.label })).rows);
  } finally {
    await warehouse.close();
    athena.destroy();
    s3.destroy();
  }
}
