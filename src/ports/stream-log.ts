// Where a stream batch's chunks go: the production log and the quarantine (S3 objects on AWS,
// Parquet files locally).
import type { StreamChunk } from '../domain/stream/stream-batch.js';

/** Where a batch's chunks go: the production log and the quarantine (S3 objects, local files). */
export interface StreamLog {
  /** Writes the chunk's objects, replacing any an earlier delivery of the same chunk wrote. */
  writeChunk(chunk: StreamChunk): Promise<void>;
}
