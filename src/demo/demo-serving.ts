// The demo's serving path: a day of production traffic goes through the production endpoint
// before it is monitored, so the log records whichever version served it (v1 before a deploy,
// the new version after). Rows the log holds without a prediction stay that way: the monitoring
// job scores them, as it would a request logged before its response.
import { DuckDBInstance } from '@duckdb/node-api';
import type { FeatureContract } from '../domain/contract/contract.js';
import type { ModelHost } from '../ports/model-host.js';

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const batchRows = 1000;

export interface ServedDay {
  rows: number;
  served: number;
  versions: string[];
}

export async function serveDemoDay(options: { partitionPath: string; contract: FeatureContract; endpoint: string; modelHost: ModelHost }): Promise<ServedDay> {
  const { contract, partitionPath } = options;
  const c = contract.columns;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE day AS SELECT * FROM read_parquet(${literal(partitionPath)})`);
    const features = contract.features.map((feature) => `CAST(${quote(feature.name)} AS VARCHAR) AS ${quote(feature.name)}`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT ${quote(c.record_id)} AS record_id, ${features} FROM day WHERE ${quote(c.prediction)} IS NOT NULL ORDER BY ${quote(c.record_id)}`,
    );
    const rows = reader.getRowObjectsJson() as Record<string, string | null>[];
    await connection.run('CREATE TABLE served (record_id VARCHAR, prediction DOUBLE, version VARCHAR)');
    const versions = new Set<string>();
    for (let offset = 0; offset < rows.length; offset += batchRows) {
      const batch = rows.slice(offset, offset + batchRows);
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
    await connection.run(
      `COPY (SELECT d.* REPLACE (coalesce(s.prediction, d.${quote(c.prediction)}) AS ${quote(c.prediction)}, ` +
        `coalesce(s.version, d.${quote(c.model_version)}) AS ${quote(c.model_version)}) ` +
        `FROM day AS d LEFT JOIN served AS s ON s.record_id = d.${quote(c.record_id)} ORDER BY d.${quote(c.event_time)}, d.${quote(c.record_id)}) ` +
        `TO ${literal(partitionPath)} (FORMAT parquet)`,
    );
    const total = (await connection.runAndReadAll('SELECT count(*) AS n FROM day')).getRowObjectsJson()[0]?.n;
    return { rows: Number(total ?? 0), served: rows.length, versions: [...versions] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
