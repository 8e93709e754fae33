// A batch of stream records (a Kinesis shard's batch, an HTTP request's lines): judged one by one,
// cut into chunks (src/domain/stream/stream-batch.ts) and written chunk by chunk in stream order.
import type { JudgedRecord, StreamRecord } from '../domain/stream/judge-record.js';
import { streamChunks } from '../domain/stream/stream-batch.js';
import type { StreamLog } from '../ports/stream-log.js';

export interface StreamBatchSummary {
  received: number;
  valid: number;
  quarantined: number;
  /** Records per reason part ("price: not a float", "record_id: missing", "not JSON"). */
  reasons: Record<string, number>;
  /** Sequence numbers of the records not written, in stream order (empty when all were). */
  failed: string[];
  /** The write error that stopped the batch, when one did. */
  error?: unknown;
}

export interface StreamBatchOptions {
  judge: (record: StreamRecord) => JudgedRecord;
  log: StreamLog;
  /** Names the source in object keys (a shard id, "http"); letters, digits, '-', '_' and '.' kept. */
  source: string;
  maxRecordsPerChunk: number;
  /**
   * Whether a failed write is worth delivering again (throttling, 5xx). One that is not is thrown,
   * and the stream's own retry and on-failure destination take the batch.
   */
  isTransient: (error: unknown) => boolean;
  /** Called after each chunk is written, with the records written so far. */
  onChunk?: (written: number) => void;
}

function tally(summary: StreamBatchSummary, judged: readonly JudgedRecord[]): void {
  for (const record of judged) {
    if (record.valid) {
      summary.valid += 1;
      continue;
    }
    summary.quarantined += 1;
    for (const kind of record.kinds) summary.reasons[kind] = (summary.reasons[kind] ?? 0) + 1;
  }
}

/**
 * Judges and writes a batch. The counts are of what was written: valid + quarantined + failed =
 * received, so the records a failure left unwritten are counted by the delivery that writes them
 * (counts are per delivery: a batch delivered again whole after a timeout is counted again). A
 * transient write failure ends the batch with the unwritten records failed; any other is thrown.
 */
export async function handleStreamBatch(records: readonly StreamRecord[], options: StreamBatchOptions): Promise<StreamBatchSummary> {
  const summary: StreamBatchSummary = { received: records.length, valid: 0, quarantined: 0, reasons: {}, failed: [] };
  const judged = records.map(options.judge);
  const size = options.maxRecordsPerChunk;
  const chunks = streamChunks(judged, options.source, size);
  let written = 0;
  for (const [index, chunk] of chunks.entries()) {
    try {
      await options.log.writeChunk(chunk);
    } catch (error) {
      if (!options.isTransient(error)) throw error;
      summary.failed = chunks.slice(index).flatMap((rest) => rest.sequences);
      summary.error = error;
      return summary;
    }
    tally(summary, judged.slice(index * size, (index + 1) * size));
    written += chunk.sequences.length;
    options.onChunk?.(written);
  }
  return summary;
}
