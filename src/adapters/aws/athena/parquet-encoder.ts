// Parquet files for the Athena result tables, written by an in-memory DuckDB. No Parquet writer is
// among the dependencies, and DuckDB's (already there for local mode) writes the plain types Athena
// reads (VARCHAR as UTF-8 strings, DOUBLE, BIGINT as INT64, BOOLEAN). DuckDB cannot reach S3 here
// (its httpfs extension would be downloaded at run time), so it writes a temporary file whose bytes
// the caller uploads.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBAppender, DuckDBInstance } from '@duckdb/node-api';
import { NonRetryableError } from '../../../domain/errors.js';
import { type DdlType, duckdbDialect } from '../../../domain/sql/dialect.js';
import type { Cell } from '../../../domain/sql/row.js';

export interface ParquetColumn {
  name: string;
  type: DdlType;
}

const duckdbTypes: Record<DdlType, string> = { text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN' };

function fits(column: ParquetColumn, value: Cell): boolean {
  switch (column.type) {
    case 'text':
      return typeof value === 'string';
    case 'double':
      return typeof value === 'number';
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function append(appender: DuckDBAppender, column: ParquetColumn, value: Cell): void {
  if (value === null) appender.appendNull();
  else if (typeof value === 'string') appender.appendVarchar(value);
  else if (typeof value === 'boolean') appender.appendBoolean(value);
  else if (column.type === 'bigint') appender.appendBigInt(BigInt(value));
  else appender.appendDouble(value);
}

/** Checked before appending: an appender left with half a row cannot be closed cleanly. */
function checkRows(columns: readonly ParquetColumn[], rows: readonly (readonly Cell[])[], where: string): void {
  rows.forEach((row, index) => {
    columns.forEach((column, i) => {
      const value = row[i] ?? null;
      if (value !== null && !fits(column, value)) {
        throw new NonRetryableError(`${where} row ${index}: column "${column.name}" (${column.type}) cannot hold ${typeof value} ${JSON.stringify(value)}`, 'INVALID_INPUT');
      }
    });
  });
}

export class ParquetEncoder {
  private instance: Promise<DuckDBInstance> | undefined;
  private tables = 0;

  /** One Parquet file (Snappy) holding `rows`, each a value per column in `columns` order. */
  async encode(columns: readonly ParquetColumn[], rows: readonly (readonly Cell[])[], where = 'parquet'): Promise<Uint8Array> {
    checkRows(columns, rows, where);
    if (this.instance === undefined) {
      const creating = DuckDBInstance.create(':memory:');
      this.instance = creating;
      // A failed start is not kept: the next call tries again.
      creating.catch(() => {
        if (this.instance === creating) this.instance = undefined;
      });
    }
    const folder = await mkdtemp(join(tmpdir(), 'vigil-parquet-'));
    let connection;
    try {
      connection = await (await this.instance).connect();
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    this.tables += 1;
    const table = `rows_${this.tables}`;
    try {
      const d = duckdbDialect;
      await connection.run(`CREATE TABLE ${d.ident(table)} (${columns.map((c) => `${d.ident(c.name)} ${duckdbTypes[c.type]}`).join(', ')})`);
      const appender = await connection.createAppender(table);
      try {
        for (const row of rows) {
          columns.forEach((column, i) => append(appender, column, row[i] ?? null));
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const file = join(folder, 'rows.parquet');
      await connection.run(`COPY ${d.ident(table)} TO ${d.string(file)} (FORMAT PARQUET, COMPRESSION SNAPPY)`);
      return new Uint8Array(await readFile(file));
    } finally {
      try {
        await connection.run(`DROP TABLE IF EXISTS ${duckdbDialect.ident(table)}`);
      } finally {
        connection.closeSync();
        await rm(folder, { recursive: true, force: true });
      }
    }
  }

  async close(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    if (instance !== undefined) (await instance).closeSync();
  }
}
