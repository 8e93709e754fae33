// A Kinesis batch through the stream function's handler with its I/O left out: 10,000 records as
// Lambda delivers them (base64 JSON, the 10-feature bench contract, a small share malformed),
// decoded, judged, cut into chunks and handed to a stream log that keeps them in memory. Reports
// the median of several batches after a warm-up one, as a warm Lambda container would run them.
//   node --import tsx bench/stream-batch.ts [--records N]
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';
import { parseContract } from '../src/domain/contract/contract.js';
import { recordJudge } from '../src/domain/stream/judge-record.js';
import type { StreamChunk } from '../src/domain/stream/stream-batch.js';
import { kinesisHandler } from '../src/stream/kinesis-handler.js';
import { benchContract } from './generate-data.js';
import { benchRecords } from './record-validator.js';

export interface StreamBatchTiming {
  records: number;
  valid: number;
  quarantined: number;
  /** Median milliseconds per batch. */
  medianMs: number;
  runs: number;
}

function kinesisEvent(count: number): KinesisStreamEvent {
  return {
    Records: benchRecords(count).map((record, index) => {
      const sequence = String(49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n + BigInt(index));
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: `p${index % 16}`,
          sequenceNumber: sequence,
          data: Buffer.from(JSON.stringify(record), 'utf8').toString('base64'),
          approximateArrivalTimestamp: 1_733_400_000 + index / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/vigil-stream',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/bench',
      };
    }),
  };
}

export async function measureStreamBatch(options: { records?: number; runs?: number } = {}): Promise<StreamBatchTiming> {
  const count = options.records ?? 10_000;
  const runs = options.runs ?? 7;
  const contract = parseContract(benchContract());
  let written: StreamChunk[] = [];
  const handler = kinesisHandler({
    model: contract.model,
    judge: recordJudge(contract, { feature_schema_version: contract.feature_schema_version, contract_hash: '0'.repeat(64) }),
    log: {
      writeChunk: (chunk) => {
        written.push(chunk);
        return Promise.resolve();
      },
    },
    isTransient: () => true,
  });
  const event = kinesisEvent(count);
  await handler(event);
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    written = [];
    const started = performance.now();
    const answer = await handler(event);
    times.push(performance.now() - started);
    if (answer.batchItemFailures.length > 0) throw new Error('the in-memory log failed a write');
  }
  const valid = written.reduce((sum, chunk) => sum + chunk.valid.reduce((rows, part) => rows + part.rows.length, 0), 0);
  times.sort((a, b) => a - b);
  return { records: count, valid, quarantined: count - valid, medianMs: Math.round((times[Math.floor(runs / 2)] ?? 0) * 10) / 10, runs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--records');
  const records = at === -1 ? undefined : Number(process.argv[at + 1]);
  if (records !== undefined && !(Number.isInteger(records) && records > 0)) throw new Error('--records must be a positive whole number');
  console.log(JSON.stringify(await measureStreamBatch(records === undefined ? {} : { records })));
}
