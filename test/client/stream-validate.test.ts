// `vigil stream validate`: records on stdin judged as the stream path judges them; valid rows and
// quarantined ones to their own files, nothing lost, a summary with the reasons.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseContract } from '../../src/domain/contract/contract.js';
import { contractHash } from '../../src/adapters/shared/contract-hash.js';
import { streamValidate, summaryLines } from '../../src/client/commands/stream-validate.js';
import { reasonKinds } from '../../src/domain/stream/judge-record.js';

const contractJson = {
  model: 'shop',
  feature_schema_version: 3,
  features: [
    { name: 'price', type: 'float' },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', categories: ['north', 'south'] },
  ],
};

const lines = [
  JSON.stringify({ region: 'north', price: ' 10.5 ', record_id: 'r1', event_time: '2024-06-03T10:00:00Z', prediction: 5, model_version: 'v1', extra: 1 }),
  JSON.stringify({ record_id: 'r2', event_time: '2024-06-03T10:00:01Z', price: '12,50', region: 'south' }),
  '',
  'not json',
  '[1, 2]',
  JSON.stringify({ event_time: '2024-06-03T10:00:02Z', price: 'n/a', footfall: 2.5, region: 'south' }),
];

async function readLines(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('vigil stream validate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-stream-'));
    await writeFile(join(dir, 'contract.json'), JSON.stringify(contractJson));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes valid rows in contract order with the version and hash, and quarantines the rest with their reasons and lines', async () => {
    const out = join(dir, 'out');
    const summary = await streamValidate({ contract: join(dir, 'contract.json'), out }, { input: Readable.from(lines.map((line) => `${line}\n`)) });
    assert.deepEqual(summary, {
      received: 5,
      valid: 1,
      quarantined: 4,
      reasons: { 'price: not a float': 2, 'not JSON': 1, 'not a JSON object': 1, 'record_id: missing': 1, 'footfall: not an int': 1 },
    });
    const valid = await readLines(join(out, 'valid.ndjson'));
    assert.equal(valid.length, 1);
    assert.deepEqual(Object.keys(valid[0] ?? {}), ['record_id', 'event_time', 'price', 'footfall', 'region', 'prediction', 'model_version', 'feature_schema_version', 'contract_hash', 'stream_sequence']);
    assert.deepEqual(valid[0], {
      record_id: 'r1',
      event_time: '2024-06-03T10:00:00.000Z',
      price: 10.5,
      footfall: 0,
      region: 'north',
      prediction: 5,
      model_version: 'v1',
      feature_schema_version: 3,
      contract_hash: contractHash(parseContract(contractJson)),
      stream_sequence: '1',
    });
    const quarantined = await readLines(join(out, 'quarantine.ndjson'));
    assert.deepEqual(
      quarantined.map((entry) => [Number(entry['sequence']), entry['reason']]),
      [
        [2, 'price: "12,50" is not a float'],
        [4, `not JSON: ${(() => { try { JSON.parse('not json'); return ''; } catch (error) { return (error as Error).message; } })()}`],
        [5, 'not a JSON object'],
        [6, 'record_id: missing; price: "n/a" is not a float; footfall: "2.5" is not an int'],
      ],
    );
    // Every quarantined line is kept as it came.
    assert.deepEqual(quarantined.map((entry) => entry['raw_record']), [lines[1], lines[3], lines[4], lines[5]]);
  });

  it('counts without writing when no --out is given, and summarises by reason', async () => {
    const summary = await streamValidate({ contract: join(dir, 'contract.json') }, { input: Readable.from(lines.map((line) => `${line}\n`)) });
    assert.equal(summary.received, 5);
    const text = summaryLines(summary, undefined);
    assert.match(text[0] ?? '', /^5 records: 1 valid, 4 quarantined \(nothing written/);
    assert.equal(text[1], '  2  price: not a float');
  });

  it('refuses a contract file that is not JSON in one line naming it', async () => {
    await writeFile(join(dir, 'bad.json'), '{"model": ');
    await assert.rejects(streamValidate({ contract: join(dir, 'bad.json') }, { input: Readable.from([]) }), /--contract .*bad\.json: invalid JSON at line 1/);
  });

  it('gives one hash per contract whatever the order of its keys', () => {
    const reordered = { features: contractJson.features.map((f) => Object.fromEntries(Object.entries(f).reverse())), feature_schema_version: 3, model: 'shop' };
    assert.equal(contractHash(parseContract(reordered)), contractHash(parseContract(contractJson)));
    assert.notEqual(contractHash(parseContract({ ...contractJson, feature_schema_version: 4 })), contractHash(parseContract(contractJson)));
  });

  it('names each part of a reason without its value', () => {
    const names = ['record_id', 'event_time', 'price', 'items'];
    assert.deepEqual(reasonKinds('record_id: missing; price: "a; b" is not a float; items: missing', names), ['record_id: missing', 'price: not a float', 'items: missing']);
    assert.deepEqual(reasonKinds('price: "x" is not a float; items: "2" is not an int"" is not an int', names), ['price: not a float', 'items: not an int']);
  });
});
