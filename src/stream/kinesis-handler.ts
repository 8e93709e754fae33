// The Kinesis → Lambda path: decodes a batch of Kinesis records (base64 of UTF-8 JSON), judges and
// writes them (handle-batch.ts), publishes per-reason counts as metrics and answers Lambda's
// partial-batch response: the records a transient failure left unwritten are reported in
// `batchItemFailures` (the event source mapping needs ReportBatchItemFailures), bad data never is.
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { JudgedRecord, StreamRecord } from '../domain/stream/judge-record.js';
import type { MetricPoint, MetricsSink } from '../ports/metrics-sink.js';
import type { StreamLog } from '../ports/stream-log.js';
import { handleStreamBatch, type StreamBatchSummary } from './handle-batch.js';

export interface KinesisHandlerOptions {
  model: string;
  judge: (record: StreamRecord) => JudgedRecord;
  log: StreamLog;
  metrics?: MetricsSink;
  /** Records per written object; a Kinesis batch holds at most 10,000. */
  maxRecordsPerChunk?: number;
  isTransient: (error: unknown) => boolean;
  now?: () => Date;
  /** One structured line per batch (CloudWatch Logs). */
  report?: (line: Record<string, unknown>) => void;
}

export const defaultRecordsPerChunk = 5000;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : JSON.stringify(error));

/** The record as the stream carried it: its sequence number, its text, when it arrived. */
export function kinesisStreamRecord(record: KinesisStreamRecord): StreamRecord {
  const arrived = record.kinesis.approximateArrivalTimestamp;
  return {
    sequence: record.kinesis.sequenceNumber,
    // Invalid UTF-8 becomes U+FFFD, so such a record still reaches the judge (and the quarantine).
    text: Buffer.from(record.kinesis.data, 'base64').toString('utf8'),
    arrivedAt: new Date(Number.isFinite(arrived) ? arrived * 1000 : 0).toISOString(),
  };
}

/** The shard a batch comes from (Lambda gives one shard's records per batch): eventID's head. */
export function shardOf(event: KinesisStreamEvent): string {
  const id = event.Records[0]?.eventID ?? '';
  const colon = id.indexOf(':');
  return colon < 0 ? 'shard' : id.slice(0, colon);
}

export function streamMetricPoints(model: string, summary: StreamBatchSummary, timestamp: string): MetricPoint[] {
  const point = (subject: string, metric: string, value: number): MetricPoint => ({ model, subject, metric, value, timestamp });
  return [
    point('stream', 'stream_records_valid', summary.valid),
    point('stream', 'stream_records_quarantined', summary.quarantined),
    point('stream', 'stream_records_failed', summary.failed.length),
    ...Object.entries(summary.reasons).map(([kind, count]) => point(kind, 'stream_quarantine_reason', count)),
  ];
}

export function kinesisHandler(options: KinesisHandlerOptions): (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> {
  const now = options.now ?? (() => new Date());
  return async (event) => {
    const started = now();
    const summary = await handleStreamBatch(event.Records.map(kinesisStreamRecord), {
      judge: options.judge,
      log: options.log,
      source: shardOf(event),
      maxRecordsPerChunk: options.maxRecordsPerChunk ?? defaultRecordsPerChunk,
      isTransient: options.isTransient,
    });
    let metricsError: string | undefined;
    if (options.metrics !== undefined) {
      try {
        await options.metrics.publish(streamMetricPoints(options.model, summary, started.toISOString()));
      } catch (error) {
        // The rows are written; a lost count must not deliver them again.
        metricsError = errorText(error);
      }
    }
    options.report?.({
      model: options.model,
      received: summary.received,
      valid: summary.valid,
      quarantined: summary.quarantined,
      failed: summary.failed.length,
      reasons: summary.reasons,
      ...(summary.error === undefined ? {} : { writeError: errorText(summary.error) }),
      ...(metricsError === undefined ? {} : { metricsError }),
      ms: now().getTime() - started.getTime(),
    });
    return { batchItemFailures: summary.failed.map((sequence) => ({ itemIdentifier: sequence })) };
  };
}
