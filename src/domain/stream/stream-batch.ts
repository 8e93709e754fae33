// How a batch of judged stream records is cut for writing, so that a retried or redelivered batch
// writes nothing twice and a failed write loses nothing (src/stream/handle-batch.ts writes them).
//
// Records are cut, in stream order, into chunks of at most `maxRecordsPerChunk`; a chunk's objects
// are named by the source and the chunk's first sequence number, one per day partition. A chunk is
// written whole before the next begins, so when a write fails, every record from that chunk's
// first on is "not yet written" and is what the batch reports as failed. The stream then delivers
// again from that first record (Kinesis retries from the lowest failed sequence number): the same
// chunk, cut at the same place, rewrites the same objects, as does a batch delivered again whole
// (a timeout after writing). A delivery cut shorter rewrites its last chunk with fewer records:
// the stream logs then remove that chunk's objects of days it no longer holds, so the records that
// moved to the next chunk are not kept twice. What stays unsafe is a delivery whose chunks start
// elsewhere (a bisected batch, another VIGIL_RECORDS_PER_OBJECT in between): objects of the earlier
// chunks would remain beside the new ones; hence no bisection on the event source mapping.
import type { JudgedRecord, LogRow, QuarantineEntry } from './judge-record.js';

export interface PartitionRows<T> {
  /** YYYY-MM-DD of the rows' event time (a quarantine entry without one: its arrival). */
  date: string;
  rows: T[];
}

export interface StreamChunk {
  /** Names the chunk's objects: the source and the chunk's first sequence number. */
  key: string;
  sequences: string[];
  valid: PartitionRows<LogRow>[];
  quarantine: PartitionRows<QuarantineEntry>[];
}

const datePart = (iso: string): string => iso.slice(0, 10);

function groupByDate<T>(items: readonly { date: string; item: T }[]): PartitionRows<T>[] {
  const groups = new Map<string, T[]>();
  for (const { date, item } of items) {
    const rows = groups.get(date);
    if (rows === undefined) groups.set(date, [item]);
    else rows.push(item);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, rows]) => ({ date, rows }));
}

/** The chunks of judged records, in stream order, each at most `size` records. */
export function streamChunks(judged: readonly JudgedRecord[], source: string, size: number): StreamChunk[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive whole number, not ${size}`);
  const safeSource = source.replace(/[^A-Za-z0-9._-]/g, '_');
  const chunks: StreamChunk[] = [];
  for (let start = 0; start < judged.length; start += size) {
    const slice = judged.slice(start, start + size);
    const valid: { date: string; item: LogRow }[] = [];
    const quarantine: { date: string; item: QuarantineEntry }[] = [];
    for (const record of slice) {
      if (record.valid) valid.push({ date: datePart(record.eventTime), item: record.row });
      else quarantine.push({ date: datePart(record.entry.event_time ?? record.arrivedAt), item: record.entry });
    }
    chunks.push({
      key: `${safeSource}-${slice[0]?.sequence ?? ''}`,
      sequences: slice.map((record) => record.sequence),
      valid: groupByDate(valid),
      quarantine: groupByDate(quarantine),
    });
  }
  return chunks;
}
