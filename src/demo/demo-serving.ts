// The demo's serving path: a day of requests goes through the production endpoint, and each
// request, with the prediction and the version that served it, is logged through the stream path
// (the HTTP ingest of `vigil stream serve`), which writes the valid ones to the production log and
// quarantines the rest with their reasons, as a producer's records would be. Requests logged
// before their response carry no prediction: the monitoring job scores them.
import { DuckDBInstance } from '@duckdb/node-api';
import type { FeatureContract } from '../domain/contract/contract.js';
import type { ModelHost } from '../ports/model-host.js';

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const scoreBatchRows = 1000;
const postBatchRows = 5000;

export interface ServedDay {
  rows: number;
  served: number;
  versions: string[];
  /** What the stream path took in and refused. */
  valid: number;
  quarantined: number;
}

interface IngestAnswer {
  valid: number;
  quarantined: number;
}

/** POSTs NDJSON records; the key makes a retried request rewrite, not add. */
async function post(url: string, key: string, records: readonly Record<string, unknown>[]): Promise<IngestAnswer> {
  const body = records.map((record) => JSON.stringify(record)).join('\n');
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key }, body });
    const answer = (await response.json()) as IngestAnswer & { error?: string };
    if (response.ok) return answer;
    if (response.status !== 503 || attempt === 3) throw new Error(`the stream ingest answered ${response.status}: ${answer.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

export async function serveDemoDay(options: { trafficPath: string; date: string; contract: FeatureContract; endpoint: string; modelHost: ModelHost; ingestUrl: string }): Promise<ServedDay> {
  const { contract } = options;
  const c = contract.columns;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`CREATE TABLE day AS SELECT * FROM read_parquet(${literal(options.trafficPath)})`);
    const features = contract.features.map((feature) => `CAST(${quote(feature.name)} AS VARCHAR) AS ${quote(feature.name)}`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT ${quote(c.record_id)} AS record_id, ${features} FROM day WHERE ${quote(c.prediction)} IS NOT NULL ORDER BY ${quote(c.record_id)}`,
    );
    const rows = reader.getRowObjectsJson() as Record<string, string | null>[];
    await connection.run('CREATE TABLE served (record_id VARCHAR, prediction DOUBLE, version VARCHAR)');
    const versions = new Set<string>();
    for (let offset = 0; offset < rows.length; offset += scoreBatchRows) {
      const batch = rows.slice(offset, offset + scoreBatchRows);
      const result = await options.modelHost.invoke(
        options.endpoint,
        batch.map((row) => contract.features.map((feature) => row[feature.name] ?? null)),
      );
      const version = result.modelVersion ?? 'unknown';
      versions.add(version);
      const appender = await connection.createAppender('served');
      batch.forEach((row, index) => {
        appender.appendVarchar(String(row.record_id));
        appender.appendDouble(result.predictions[index] ?? Number.NaN);
        appender.appendVarchar(version);
        appender.endRow();
      });
      appender.closeSync();
    }
    // The log records as a producer sends them: features as received, the time in ISO-8601 UTC.
    const logged = await connection.runAndReadAll(
      `SELECT d.${quote(c.record_id)} AS ${quote(c.record_id)}, strftime(d.${quote(c.event_time)}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${quote(c.event_time)}, ` +
        `${contract.features.map((feature) => `d.${quote(feature.name)}`).join(', ')}, ` +
        `CASE WHEN isfinite(s.prediction) THEN s.prediction ELSE d.${quote(c.prediction)} END AS ${quote(c.prediction)}, ` +
        `coalesce(s.version, d.${quote(c.model_version)}) AS ${quote(c.model_version)} ` +
        `FROM day AS d LEFT JOIN served AS s ON s.record_id = d.${quote(c.record_id)} ORDER BY d.${quote(c.event_time)}, d.${quote(c.record_id)}`,
    );
    const records = logged.getRowObjectsJson() as Record<string, unknown>[];
    let valid = 0;
    let quarantined = 0;
    for (let offset = 0; offset < records.length; offset += postBatchRows) {
      const answer = await post(options.ingestUrl, `demo-${options.date}-${offset / postBatchRows + 1}`, records.slice(offset, offset + postBatchRows));
      valid += answer.valid;
      quarantined += answer.quarantined;
    }
    return { rows: records.length, served: rows.length, versions: [...versions], valid, quarantined };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
