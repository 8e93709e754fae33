// ParquetEncoder: files read back with DuckDB's read_parquet and parquet_schema.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ParquetEncoder, type ParquetColumn } from '../../../../src/adapters/aws/athena/parquet-encoder.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';

const columns: ParquetColumn[] = [
  { name: 'name', type: 'text' },
  { name: 'value', type: 'double' },
  { name: 'count', type: 'bigint' },
  { name: 'flag', type: 'boolean' },
];

describe('ParquetEncoder', () => {
  let folder: string;
  let reader: DuckDBInstance;
  const encoder = new ParquetEncoder();
  let files = 0;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'vigil-parquet-test-'));
    reader = await DuckDBInstance.create(':memory:');
  });

  after(async () => {
    await encoder.close();
    reader?.closeSync();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  async function read(bytes: Uint8Array, sql: string): Promise<Record<string, unknown>[]> {
    files += 1;
    const file = join(folder, `${files}.parquet`);
    await writeFile(file, bytes);
    const connection = await reader.connect();
    try {
      return (await connection.runAndReadAll(sql.replaceAll('$file', `'${file}'`))).getRowObjectsJson();
    } finally {
      connection.closeSync();
    }
  }

  it('writes Snappy Parquet with the column types, nulls and row order', async () => {
    const bytes = await encoder.encode(columns, [
      ['a', 1.5, 3, true],
      [null, Number.NaN, null, false],
      ["it's", -0.25, 9_007_199_254_740_991, null],
    ]);
    assert.equal(new TextDecoder().decode(bytes.slice(0, 4)), 'PAR1');
    assert.deepEqual(await read(bytes, 'SELECT name, type FROM parquet_schema($file) WHERE type IS NOT NULL'), [
      { name: 'name', type: 'BYTE_ARRAY' },
      { name: 'value', type: 'DOUBLE' },
      { name: 'count', type: 'INT64' },
      { name: 'flag', type: 'BOOLEAN' },
    ]);
    assert.deepEqual(await read(bytes, 'SELECT DISTINCT compression FROM parquet_metadata($file)'), [{ compression: 'SNAPPY' }]);
    assert.deepEqual(await read(bytes, 'SELECT name, value, CAST("count" AS VARCHAR) AS "count", flag FROM read_parquet($file)'), [
      { name: 'a', value: 1.5, count: '3', flag: true },
      { name: null, value: 'NaN', count: null, flag: false },
      { name: "it's", value: -0.25, count: '9007199254740991', flag: null },
    ]);
  });

  it('encodes concurrent batches independently, and reopens after close', async () => {
    const batches = await Promise.all([1, 2, 3].map((n) => encoder.encode(columns, [[`b${n}`, n, n, true]])));
    for (const [i, bytes] of batches.entries()) assert.deepEqual(await read(bytes, 'SELECT name FROM read_parquet($file)'), [{ name: `b${i + 1}` }]);
    await encoder.close();
    assert.deepEqual(await read(await encoder.encode(columns, [['again', 0, 0, false]]), 'SELECT name FROM read_parquet($file)'), [{ name: 'again' }]);
  });

  it('refuses a value its column cannot hold, naming the row and column', async () => {
    await assert.rejects(
      encoder.encode(columns, [['ok', 1, 1, true], ['x', 1, 1.5, true]], 'scored_predictions'),
      (error: unknown) => error instanceof NonRetryableError && /scored_predictions row 1: column "count" \(bigint\) cannot hold number 1\.5/.test(error.message),
    );
  });
});
