// Reads labelled rows back from a Parquet file the worker exported, in the training process (or
// from the Parquet objects of a SageMaker pipeline's inputs, in the image's train and evaluate
// steps). The rows are streamed chunk by chunk (about 2048 rows) through the domain's own decoder,
// so they come out exactly as the worker's warehouse would have returned them, while the generic
// row objects of a chunk are garbage before the next is read: only the decoded rows stay.
import { type DuckDBConnection, type JS } from '@duckdb/node-api';
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { RowDecodeError } from '../../../domain/sql/decode.js';
import { type Cell, type Row } from '../../../domain/sql/row.js';
import { decodeTrainingRows, type TrainingRow } from '../../../domain/sql/training-rows.js';
import { PART_COLUMN, type RowPart } from '../../shared/pipeline-inputs.js';

/** Distinct texts shared per column (categories repeat a million times); ids are never shared. */
const maxSharedTexts = 65_536;

class TextPool {
  private readonly texts = new Map<string, string>();
  share(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size < maxSharedTexts) this.texts.set(text, text);
    return text;
  }
}

/** The warehouse's cell for a DuckDB value (warehouse-cells.ts), for the types training rows have. */
function cellOf(value: JS, column: string, pool: TextPool | undefined): Cell {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return pool === undefined ? value : pool.share(value);
  if (typeof value === 'bigint') return Number(value);
  throw new RowDecodeError(`training rows: column "${column}" holds a ${typeof value}, which no training row column has`);
}

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export function readTrainingRows(connection: DuckDBConnection, path: string, contract: FeatureContract): Promise<TrainingRow[]> {
  return readRows(connection, `SELECT * FROM read_parquet(${quoted(path)})`, path, contract);
}

/**
 * One part of the rows a pipeline execution was given (`part` = training or holdout), over all its
 * Parquet objects. UNLOAD writes them in no set order: sorted by record id, then by every other
 * column, the rows come in the order of the export's own ORDER BY wherever a record id is unique.
 */
export function readPartRows(connection: DuckDBConnection, files: readonly string[], contract: FeatureContract, part: RowPart): Promise<TrainingRow[]> {
  const column = `"${PART_COLUMN}"`;
  const sql = `SELECT * EXCLUDE (${column}) FROM read_parquet([${files.map(quoted).join(', ')}]) WHERE ${column} = ${quoted(part)} ORDER BY ALL`;
  return readRows(connection, sql, `the ${part} rows of ${files.length} Parquet file(s)`, contract);
}

async function readRows(connection: DuckDBConnection, sql: string, source: string, contract: FeatureContract): Promise<TrainingRow[]> {
  const result = await connection.stream(sql);
  const names = result.columnNames();
  const pools = names.map((name) => (name === 'record_id' ? undefined : new TextPool()));
  const rows: TrainingRow[] = [];
  for await (const chunk of result.yieldRowsJs()) {
    const cells = chunk.map((values) => {
      const row: Row = {};
      names.forEach((name, index) => {
        row[name] = cellOf(values[index] ?? null, name, pools[index]);
      });
      return row;
    });
    let decoded: TrainingRow[];
    try {
      decoded = decodeTrainingRows(cells, contract);
    } catch (error) {
      // The decoder counts rows within the chunk.
      if (error instanceof RowDecodeError) throw new RowDecodeError(`${error.message} (in the chunk from row ${rows.length} of ${source})`);
      throw error;
    }
    for (const row of decoded) rows.push(row);
  }
  return rows;
}
