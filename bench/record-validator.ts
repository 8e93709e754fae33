// Throughput of the record validator on the 10-feature bench contract: records as a stream handler
// receives them (parsed JSON; numbers mostly, some as text, a small share malformed), generated
// first and then validated in one timed pass on this thread. As a script it prints one JSON line:
//   node --import tsx bench/record-validator.ts [--records N]
import { fileURLToPath } from 'node:url';
import { parseContract } from '../src/domain/contract/contract.js';
import { recordValidator } from '../src/domain/contract/validate-record.js';
import { benchContract, benchWindow, channels } from './generate-data.js';

export interface ValidatorThroughput {
  records: number;
  valid: number;
  quarantined: number;
  seconds: number;
  recordsPerSecond: number;
}

/** A small deterministic generator, so every run validates the same records. */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const malformed = ['n/a', '12,50', '', 'NaN', '1e999', { nested: true }, null];

export function benchRecords(count: number): Record<string, unknown>[] {
  const random = uniform(42);
  const start = Date.parse(benchWindow.start);
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const asText = random() < 0.2;
    const number = (scale: number): number | string => {
      const value = Math.round(random() * scale * 100) / 100;
      return asText ? ` ${value} ` : value;
    };
    const record: Record<string, unknown> = {
      record_id: `r${i}`,
      event_time: new Date(start + (i % 86_400) * 1000).toISOString(),
      temperature: number(40),
      income: number(50_000),
      load_share: random(),
      wait_seconds: number(120),
      price: number(100),
      session_minutes: number(60),
      conversion_rate: random(),
      claims_amount: number(1000),
      items: Math.floor(random() * 20),
      channel: channels[Math.floor(random() * channels.length)],
      prediction: number(300),
      model_version: 'v1',
    };
    if (random() < 0.005) record['wait_seconds'] = malformed[Math.floor(random() * malformed.length)];
    records.push(record);
  }
  return records;
}

/** Validates `records` generated records and reports records per second (generation not timed). */
export function measureRecordValidator(options: { records?: number } = {}): ValidatorThroughput {
  const count = options.records ?? 200_000;
  const validator = recordValidator(parseContract(benchContract()));
  const records = benchRecords(count);
  // A short warm-up, so the timed pass runs optimised code as a long-lived handler would.
  for (const record of records.slice(0, 10_000)) validator.validate(record);
  let valid = 0;
  const started = performance.now();
  for (const record of records) if (validator.validate(record).valid) valid += 1;
  const seconds = (performance.now() - started) / 1000;
  return { records: count, valid, quarantined: count - valid, seconds, recordsPerSecond: Math.round(count / seconds) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--records');
  const records = at === -1 ? undefined : Number(process.argv[at + 1]);
  if (records !== undefined && !(Number.isInteger(records) && records > 0)) throw new Error('--records must be a positive whole number');
  console.log(JSON.stringify(measureRecordValidator(records === undefined ? {} : { records })));
}
