// Local mode's stream ingest, composed from the config: for each model whose production log and
// stream quarantine are Parquet file globs, records are written where those globs read them
// (date=YYYY-MM-DD/ folders under the globs' fixed part), so the monitoring sees what the stream
// took in. A model whose sources cannot take stream writes is refused with every problem listed.
import picomatch from 'picomatch';
import type { SourceConfig } from '../config/schema.js';
import { resolvePath, type LoadedConfig } from '../config/load.js';
import { recordJudge } from '../domain/stream/judge-record.js';
import { contractStamp } from '../adapters/shared/contract-hash.js';
import { ParquetStreamLog } from '../adapters/local/duckdb/parquet-stream-log.js';
import type { IngestModel } from './http-ingest.js';

export interface LocalIngest {
  models: Map<string, IngestModel>;
  /** Where each model's rows and quarantine go. */
  folders: Map<string, { production: string; quarantine: string }>;
  close(): Promise<void>;
}

/** The folder stream writes go to for a source, or why the source cannot take them. */
function streamFolder(where: string, source: SourceConfig | undefined, configPath: string): { dir: string } | { problem: string } {
  if (source === undefined) return { problem: `${where}: not set (the stream path needs a folder for the records it refuses, e.g. { path: "data/stream_quarantine/*/*.parquet" })` };
  if ('table' in source) return { problem: `${where}: the stream writes files in local mode, not table "${source.table}"` };
  if (source.format !== 'parquet') return { problem: `${where}: the stream writes Parquet, not ${source.format}` };
  const glob = resolvePath(configPath, source.path);
  const { base } = picomatch.scan(glob);
  const sample = `${base}/date=2026-01-31/http-batch-1.parquet`;
  if (base === '' || !picomatch.isMatch(sample, glob, { dot: false })) {
    return { problem: `${where}: "${source.path}" does not read the stream's files (its folder/date=YYYY-MM-DD/*.parquet); use e.g. "${source.path.replace(/\/?[^/]*$/, '')}/*/*.parquet"` };
  }
  return { dir: base };
}

export function localIngest(loaded: LoadedConfig, only?: string): LocalIngest {
  const models = new Map<string, IngestModel>();
  const folders = new Map<string, { production: string; quarantine: string }>();
  const logs: ParquetStreamLog[] = [];
  const problems: string[] = [];
  const chosen = loaded.config.models.filter((model) => only === undefined || model.id === only);
  if (chosen.length === 0) throw new Error(`no model "${only ?? ''}" in ${loaded.path} (models: ${loaded.config.models.map((model) => model.id).join(', ')})`);
  for (const model of chosen) {
    const contract = loaded.contracts[model.id];
    if (contract === undefined) continue;
    const production = streamFolder(`models.${model.id}.sources.productionLog`, model.sources.productionLog, loaded.path);
    const quarantine = streamFolder(`models.${model.id}.sources.streamQuarantine`, model.sources.streamQuarantine, loaded.path);
    if ('problem' in production || 'problem' in quarantine) {
      for (const folder of [production, quarantine]) if ('problem' in folder) problems.push(folder.problem);
      continue;
    }
    const log = new ParquetStreamLog({ contract, productionDir: production.dir, quarantineDir: quarantine.dir });
    logs.push(log);
    models.set(model.id, { judge: recordJudge(contract, contractStamp(contract)), log });
    folders.set(model.id, { production: production.dir, quarantine: quarantine.dir });
  }
  if (problems.length > 0) {
    void Promise.all(logs.map((log) => log.close()));
    throw new Error(`${loaded.path} cannot serve a stream (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
  return { models, folders, close: async () => void (await Promise.all(logs.map((log) => log.close()))) };
}
