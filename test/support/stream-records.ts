// Records for the stream tests, on the demo contract: valid ones in the shapes producers send
// (numbers as text, extra fields, a default left out) and a known share of malformed ones, each
// with the reason part the contract gives it. Seeded: the same seed gives the same records.
export interface GeneratedRecord {
  text: string;
  partitionKey: string;
  /** The reason part a malformed record is quarantined for; undefined for a valid record. */
  expectedKind?: string;
  recordId?: string;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const malformed: { kind: string; make: (record: Record<string, unknown>) => string }[] = [
  { kind: 'not JSON', make: (record) => JSON.stringify(record).slice(0, -3) },
  { kind: 'not a JSON object', make: (record) => JSON.stringify([record]) },
  { kind: 'price: not a float', make: (record) => JSON.stringify({ ...record, price: '12,50' }) },
  { kind: 'price: not a float', make: (record) => JSON.stringify({ ...record, price: 'n/a' }) },
  { kind: 'record_id: missing', make: ({ record_id: _id, ...record }) => JSON.stringify(record) },
  { kind: 'promo: not a bool', make: (record) => JSON.stringify({ ...record, promo: 'maybe' }) },
  { kind: 'footfall: missing', make: ({ footfall: _footfall, ...record }) => JSON.stringify(record) },
  { kind: 'event_time: not a timestamp', make: (record) => JSON.stringify({ ...record, event_time: 'yesterday' }) },
];

/** `count` records from `start` (an ISO instant), one a second; every `malformedEvery`-th malformed. */
export function streamRecords(options: { count: number; seed: number; start: string; malformedEvery: number }): GeneratedRecord[] {
  const random = seededRandom(options.seed);
  const start = Date.parse(options.start);
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const recordId = `r-${options.seed}-${i}`;
    const record: Record<string, unknown> = {
      record_id: recordId,
      event_time: new Date(start + i * 1000).toISOString(),
      price: i % 3 === 0 ? (5 + random() * 20).toFixed(2) : 5 + random() * 20,
      competitor_price: 5 + random() * 20,
      promo: i % 4 === 0 ? 'true' : random() < 0.2,
      store_type: ['mall', 'street', 'outlet'][Math.floor(random() * 3)],
      day_of_week: String(Math.floor(random() * 7)),
      ...(i % 5 === 0 ? {} : { temperature: Math.round(random() * 300) / 10 }),
      footfall: Math.floor(random() * 5000),
      ...(i % 7 === 0 ? { producer: 'pos-7', note: 'ignored' } : {}),
    };
    const partitionKey = `store-${i % 17}`;
    if (i % options.malformedEvery === options.malformedEvery - 1) {
      const kind = malformed[Math.floor(i / options.malformedEvery) % malformed.length];
      if (kind === undefined) throw new Error('no malformed kinds');
      records.push({ text: kind.make(record), partitionKey, expectedKind: kind.kind });
    } else {
      records.push({ text: JSON.stringify(record), partitionKey, recordId });
    }
  }
  return records;
}
