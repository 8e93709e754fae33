// `vigil query "<SQL>"`: reads the local results while the worker runs. The worker holds the
// DuckDB file, which no other process may then open, so this reads the Parquet snapshots it keeps
// of each result table (<dataDir>/results/<table>.parquet), each as a view named after its table.
import { resolvePath } from '../../config/load.js';
import { existingSnapshots, querySnapshots, resultsSnapshotDir, type SnapshotQueryResult } from '../../adapters/local/duckdb/results-export.js';
import type { Cell } from '../../domain/sql/row.js';
import { renderTable } from '../../terminal/table.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface QueryOptions {
  config: string;
  json?: boolean;
}

export async function queryCommand(sql: string, options: QueryOptions): Promise<SnapshotQueryResult> {
  const loaded = await loadCliConfig(options.config);
  if (loaded.config.mode === 'aws') {
    const database = loaded.config.aws?.athena.database;
    throw new Error(`vigil query reads local results only; in aws mode query the result tables with Athena${database === undefined ? '' : ` (database ${database})`}`);
  }
  const dir = resultsSnapshotDir(resolvePath(loaded.path, loaded.config.dataDir));
  const snapshots = await existingSnapshots(dir);
  if (snapshots.size === 0) throw new Error(`no results yet in ${dir} (a local worker writes them when it starts and after each monitoring run)`);
  const result = await querySnapshots(snapshots, sql);
  if (options.json === true) {
    for (const row of result.rows) console.log(JSON.stringify(row));
  } else {
    const cells = result.rows.map((row) => result.columns.map((column) => cellText(row[column] ?? null)));
    console.log(renderTable(result.columns, cells));
    console.log(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  }
  return result;
}

function cellText(cell: Cell): string {
  return cell === null ? 'NULL' : String(cell);
}
