import assert from 'node:assert/strict';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { recordJudge, type JudgedRecord, type StreamRecord } from '../../../src/domain/stream/judge-record.js';
import { streamChunks } from '../../../src/domain/stream/stream-batch.js';

const contract = parseContract({
  model: 'demand',
  feature_schema_version: 2,
  features: [
    { name: 'price', type: 'float' },
    { name: 'promo', type: 'bool', default: false },
  ],
});
const judge = recordJudge(contract, { feature_schema_version: 2, contract_hash: 'abc' });

function record(sequence: number, fields: Record<string, unknown> | string): StreamRecord {
  return { sequence: String(sequence), text: typeof fields === 'string' ? fields : JSON.stringify(fields), arrivedAt: '2026-03-05T08:00:00.000Z' };
}

describe('stream records', () => {
  it('turns a valid record into a row in contract order, coerced, defaulted and stamped', () => {
    const judged = judge(record(7, { extra: 1, promo: 'true', price: ' 10.50 ', event_time: '2026-03-04T23:59:59+01:00', record_id: ' r1 ' }));
    assert.equal(judged.valid, true);
    assert.ok(judged.valid);
    assert.deepEqual(Object.entries(judged.row), [
      ['record_id', 'r1'],
      ['event_time', '2026-03-04T22:59:59.000Z'],
      ['price', 10.5],
      ['promo', true],
      ['prediction', null],
      ['model_version', null],
      ['feature_schema_version', 2],
      ['contract_hash', 'abc'],
      ['stream_sequence', '7'],
    ]);
  });

  it('quarantines what is not a record with the text as received, and never throws', () => {
    const texts = ['{"record_id":', '[1,2]', '"text"', 'null', '\u0000\uFFFD'];
    const verdicts = texts.map((text, index) => judge(record(index, text)));
    assert.deepEqual(
      verdicts.map((verdict) => (verdict.valid ? 'valid' : verdict.kinds.join('|'))),
      ['not JSON', 'not a JSON object', 'not a JSON object', 'not a JSON object', 'not JSON'],
    );
    assert.deepEqual(
      verdicts.map((verdict) => (verdict.valid ? undefined : verdict.entry.raw_record)),
      texts,
    );
  });

  it('keeps the reason, the record id and the event time of a refused record', () => {
    const judged = judge(record(3, { record_id: 'r9', event_time: '2026-03-04T10:00:00Z', price: '12,50' }));
    assert.ok(!judged.valid);
    assert.deepEqual(judged.entry, {
      sequence: '3',
      record_id: 'r9',
      event_time: '2026-03-04T10:00:00.000Z',
      reason: 'price: "12,50" is not a float',
      raw_record: '{"record_id":"r9","event_time":"2026-03-04T10:00:00Z","price":"12,50"}',
      feature_schema_version: 2,
      contract_hash: 'abc',
    });
    assert.deepEqual(judged.kinds, ['price: not a float']);
  });

  describe('chunks', () => {
    const judged: JudgedRecord[] = [
      judge(record(101, { record_id: 'a', event_time: '2026-03-04T23:00:00Z', price: 1 })),
      judge(record(102, { record_id: 'b', event_time: '2026-03-05T01:00:00Z', price: 2 })),
      judge(record(103, 'oops')),
      judge(record(104, { record_id: 'c', event_time: '2026-03-04T12:00:00Z', price: 'x' })),
      judge(record(105, { record_id: 'd', event_time: '2026-03-05T02:00:00Z', price: 3 })),
    ];

    it('cuts in stream order, names each chunk by its first sequence number, and splits it by day', () => {
      const chunks = streamChunks(judged, 'shardId-000000000001', 2);
      assert.deepEqual(
        chunks.map((chunk) => [chunk.key, chunk.sequences]),
        [
          ['shardId-000000000001-101', ['101', '102']],
          ['shardId-000000000001-103', ['103', '104']],
          ['shardId-000000000001-105', ['105']],
        ],
      );
      assert.deepEqual(
        chunks[0]?.valid.map((part) => [part.date, part.rows.map((row) => row.record_id)]),
        [
          ['2026-03-04', ['a']],
          ['2026-03-05', ['b']],
        ],
      );
      // A record without a usable event time is placed by its arrival.
      assert.deepEqual(
        chunks[1]?.quarantine.map((part) => [part.date, part.rows.map((entry) => entry.sequence)]),
        [
          ['2026-03-04', ['104']],
          ['2026-03-05', ['103']],
        ],
      );
    });

    it('cuts a delivery that starts where a failed chunk started exactly as the first delivery did', () => {
      const first = streamChunks(judged, 'shard', 2);
      const again = streamChunks(judged.slice(2), 'shard', 2);
      assert.deepEqual(again, first.slice(1));
    });

    it('keeps only safe characters of the source in keys and refuses a bad size', () => {
      assert.equal(streamChunks(judged.slice(0, 1), 'a/b:c d', 10)[0]?.key, 'a_b_c_d-101');
      assert.throws(() => streamChunks(judged, 's', 0), /positive whole number/);
    });
  });
});
