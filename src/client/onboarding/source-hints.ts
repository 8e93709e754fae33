// The reserved columns the three files show by their shape when they use their own names: the
// record id is what the labels and the log share, the label what the labels and the baseline
// share, the label time the rest of the labels, the event time the log's one timestamp column and
// the model version what the log alone has. Only unambiguous answers are given.
import type { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import { columnNames, type OpenedFile } from './data-files.js';
import type { ReservedColumns } from './reserved-columns.js';
import { countTextValues, valueKind } from './value-kinds.js';

const timeTypes = /^(DATE|TIMESTAMP)/;

export interface SourceFiles {
  productionLog: OpenedFile;
  labels: OpenedFile;
  baseline: OpenedFile;
}

export async function reservedColumnHints(warehouse: DuckDbWarehouse, files: SourceFiles): Promise<Partial<ReservedColumns>> {
  const log = new Set(columnNames(files.productionLog));
  const labels = columnNames(files.labels);
  const baseline = new Set(columnNames(files.baseline));
  const hints: Partial<ReservedColumns> = {};
  const only = (candidates: string[]): string | undefined => (candidates.length === 1 ? candidates[0] : undefined);
  const recordId = only(labels.filter((name) => log.has(name) && !baseline.has(name)));
  const label = only(labels.filter((name) => baseline.has(name) && !log.has(name)));
  const labelTime = only(labels.filter((name) => name !== recordId && name !== label));
  const eventTime = only(await timestampColumns(warehouse, files.productionLog));
  const version = only([...log].filter((name) => !baseline.has(name) && name !== recordId && name !== eventTime));
  if (recordId !== undefined) hints.record_id = recordId;
  if (label !== undefined) hints.label = label;
  if (recordId !== undefined && label !== undefined && labelTime !== undefined) hints.label_time = labelTime;
  if (eventTime !== undefined) hints.event_time = eventTime;
  if (version !== undefined) hints.model_version = version;
  return hints;
}

async function timestampColumns(warehouse: DuckDbWarehouse, file: OpenedFile): Promise<string[]> {
  const found: string[] = [];
  for (const column of file.columns) {
    if (timeTypes.test(column.type)) found.push(column.name);
    else if (column.type === 'VARCHAR' && valueKind(await countTextValues(warehouse, [file.view], column.name)) === 'timestamp') found.push(column.name);
  }
  return found;
}
