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

/**
 * Where a chunk's manifest (the keys it wrote) lives: beside the production log's date= partitions,
 * outside every partition a table over them reads (and its name starts with "_", which Hive-style
 * readers treat as hidden).
 */
export function chunkManifestKey(productionPrefix: string, chunkKey: string): string {
  return `${productionPrefix}_vigil_chunks/${chunkKey}.json`;
}

export class ObjectStreamLog implements StreamLog {
  constructor(private readonly options: ObjectStreamLogOptions) {}

  /**
   * Writes the chunk's objects and removes those an earlier write of the same chunk made for days
   * it no longer holds (a delivery cut shorter), so no record stays in two objects. The manifest
   * lists every key the chunk may have written until the stale ones are gone.
   */
  async writeChunk(chunk: StreamChunk): Promise<void> {
    const { store, productionPrefix, quarantinePrefix } = this.options;
    const keysOf = (prefix: string, partitions: readonly PartitionRows<unknown>[]): string[] => partitions.map(({ date }) => chunkObjectKey(prefix, date, chunk.key));
    const written = [...keysOf(quarantinePrefix, chunk.quarantine), ...keysOf(productionPrefix, chunk.valid)];
    const manifestKey = chunkManifestKey(productionPrefix, chunk.key);
    const earlier = await store.get(manifestKey);
    const before = earlier === undefined ? [] : (JSON.parse(Buffer.from(earlier).toString('utf8')) as string[]);
    const stale = before.filter((key) => !written.includes(key));
    const known = [...new Set([...before, ...written])];
    if (known.length !== before.length) await store.put(manifestKey, JSON.stringify(known), 'application/json');
    const put = async (prefix: string, partitions: readonly PartitionRows<unknown>[]): Promise<void> => {
      for (const { date, rows } of partitions) await store.put(chunkObjectKey(prefix, date, chunk.key), ndjson(rows), 'application/x-ndjson');
    };
    // Quarantine first: a chunk whose valid rows are written has its quarantine written too.
    await put(quarantinePrefix, chunk.quarantine);
    await put(productionPrefix, chunk.valid);
    for (const key of stale) await store.delete(key);
    if (stale.length > 0) await store.put(manifestKey, JSON.stringify(written), 'application/json');
  }
}
