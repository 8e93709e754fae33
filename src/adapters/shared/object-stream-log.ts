// The stream log over an object store (S3 on AWS): each chunk is one gzipped NDJSON object per day
// partition under the production log's prefix, and one under the quarantine's, named by the
// chunk's key, so a chunk written again replaces its objects. Hive-style `date=` folders let
// Athena's JSON tables prune by day; Athena and DuckDB both read the .gz objects as they are.
import { gzipSync } from 'node:zlib';
import type { PartitionRows, StreamChunk } from '../../domain/stream/stream-batch.js';
import type { ObjectStore } from '../../ports/object-store.js';
import type { StreamLog } from '../../ports/stream-log.js';

export interface ObjectStreamLogOptions {
  store: ObjectStore;
  /** Key prefix of the production log (ends in "/" unless empty). */
  productionPrefix: string;
  /** Key prefix of the stream's quarantine. */
  quarantinePrefix: string;
}

/** The object key of a chunk's rows for one day. */
export function chunkObjectKey(prefix: string, date: string, chunkKey: string): string {
  return `${prefix}date=${date}/${chunkKey}.ndjson.gz`;
}

function ndjson(rows: readonly unknown[]): Uint8Array {
  return gzipSync(Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8'));
}

export class ObjectStreamLog implements StreamLog {
  constructor(private readonly options: ObjectStreamLogOptions) {}

  async writeChunk(chunk: StreamChunk): Promise<void> {
    const put = async (prefix: string, partitions: readonly PartitionRows<unknown>[]): Promise<void> => {
      for (const { date, rows } of partitions) {
        await this.options.store.put(chunkObjectKey(prefix, date, chunk.key), ndjson(rows), 'application/x-ndjson');
      }
    };
    // Quarantine first: a chunk whose valid rows are written has its quarantine written too.
    await put(this.options.quarantinePrefix, chunk.quarantine);
    await put(this.options.productionPrefix, chunk.valid);
  }
}
