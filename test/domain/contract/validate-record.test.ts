// Named cases of the record validator: each is a decision the SQL quarantine makes the same way
// (test/adapters/local/duckdb/record-validator-parity.test.ts checks that on generated records).
import assert from 'node:assert/strict';
import { ContractError, parseContract } from '../../../src/domain/contract/contract.js';
import { type RecordVerdict, recordValidator, validateRecord } from '../../../src/domain/contract/validate-record.js';
import { duckdbDoubleText, nestedJsonText } from '../../../src/domain/contract/record-text.js';

const contract = parseContract({
  model: 'shop',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float' },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', default: 'unknown', categories: ['north', 'south'] },
    { name: 'promo', type: 'bool', default: false },
  ],
});
const base = { record_id: 'r1', event_time: '2024-06-03T10:00:00Z', price: '10', footfall: 3, region: 'north', promo: 'no', prediction: 5, model_version: 'v1' };

function reason(record: Record<string, unknown>): string {
  const verdict = validateRecord(contract, { ...base, ...record });
  assert.equal(verdict.valid, false, JSON.stringify(record));
  return verdict.valid ? '' : verdict.reason;
}

function row(record: Record<string, unknown>): Extract<RecordVerdict, { valid: true }>['row'] {
  const verdict = validateRecord(contract, { ...base, ...record });
  assert.ok(verdict.valid, verdict.valid ? '' : verdict.reason);
  return verdict.row;
}

describe('validateRecord', () => {
  it('coerces a valid record into contract order, with defaults and the window row fields', () => {
    const valid = validateRecord(contract, { model_version: ' v1 ', promo: 'YES', region: null, price: ' 1e1 ', event_time: '2024-06-03 12:00:00+02:00', record_id: ' r1 ', extra: 'ignored' });
    assert.deepEqual(valid, {
      valid: true,
      row: {
        record_id: 'r1',
        event_time: '2024-06-03T10:00:00.000Z',
        prediction: null,
        model_version: 'v1',
        features: { price: 10, footfall: 0, region: 'unknown', promo: true },
      },
    });
    assert.deepEqual(Object.keys(valid.valid ? valid.row.features : {}), ['price', 'footfall', 'region', 'promo']);
  });

  it('refuses malformed numbers as the SQL does, quoting the trimmed text', () => {
    for (const text of ['12,50', 'n/a', '1e999', 'NaN', 'Infinity', '0x1F', '1_000', '+-1', '１２', '\t12']) {
      assert.equal(reason({ price: text }), `price: "${text}" is not a float`);
    }
    assert.equal(reason({ price: ' 1_000 ' }), 'price: "1_000" is not a float');
    for (const text of ['1e5', '.5', '5.', ' 12 ', '-0', '+.5e-3']) assert.equal(row({ price: text }).features['price'], Number(text));
  });

  it('takes an int only when integral, from text or a number', () => {
    assert.equal(row({ footfall: '3.0' }).features['footfall'], 3);
    assert.equal(row({ footfall: 1e20 }).features['footfall'], 1e20);
    assert.equal(reason({ footfall: '3.5' }), 'footfall: "3.5" is not an int');
    assert.equal(reason({ footfall: 1.5e-7 }), 'footfall: "1.5e-07" is not an int');
  });

  it('reads bools as the portable words only', () => {
    for (const [text, value] of [['TRUE', true], [' yes ', true], ['0', false], ['No', false], [1, true]] as const) {
      assert.equal(row({ promo: text }).features['promo'], value);
    }
    for (const text of ['t', 'on', 'y', '1.0', '\ttrue']) assert.equal(reason({ promo: text }), `promo: "${text}" is not a bool`);
  });

  it('treats null, absent, empty and space-only values as missing, and tabs as text', () => {
    assert.equal(reason({ price: null }), 'price: missing');
    assert.equal(reason({ price: '   ' }), 'price: missing');
    const { price: _price, ...withoutPrice } = base;
    assert.equal(validateRecord(contract, withoutPrice).valid, false);
    assert.equal(reason({ price: '\t' }), 'price: "\t" is not a float');
    assert.equal(row({ region: '\t' }).features['region'], '\t');
    assert.equal(row({ footfall: '' }).features['footfall'], 0);
  });

  it('gives a nested value its JSON text: a category value, a type error elsewhere', () => {
    assert.equal(row({ region: { a: [1, 1e21, 'x\u0001'] } }).features['region'], '{"a":[1,1e21,"x\\u0001"]}');
    assert.equal(reason({ price: [] }), 'price: "[]" is not a float');
    assert.equal(reason({ promo: { v: true } }), 'promo: "{"v":true}" is not a bool');
  });

  it('lists every problem in column order, joined, with long values cut to 100 code points', () => {
    const long = '😀'.repeat(150);
    assert.equal(
      reason({ record_id: ' ', price: long, footfall: 'x', promo: 'maybe' }),
      `record_id: missing; price: "${'😀'.repeat(100)}" is not a float; footfall: "x" is not an int; promo: "maybe" is not a bool`,
    );
  });

  it('refuses a record stamped with a contract version it does not read, and reads the compatible ones', () => {
    const v3 = parseContract({ ...contract, feature_schema_version: 3, compatible_versions: [1] });
    const verdict = (record: Record<string, unknown>): RecordVerdict => validateRecord(v3, { ...base, ...record });
    for (const version of [3, '3', ' 1 ', 1, null, '']) assert.equal(verdict({ feature_schema_version: version }).valid, true, String(version));
    const refused = verdict({ feature_schema_version: 2, price: 'x' });
    assert.equal(refused.valid ? '' : refused.reason, 'feature_schema_version: "2" is not a version this contract reads (3, 1); price: "x" is not a float');
    assert.equal(row({ feature_schema_version: '1.0' }).record_id, 'r1', 'a version reads as a number');
    assert.equal(reason({ feature_schema_version: 'v1' }), 'feature_schema_version: "v1" is not a version this contract reads (1)');
    assert.throws(() => parseContract({ ...contract, feature_schema_version: 2, compatible_versions: [2] }), /compatible_versions\.0: 2 is not an earlier version/);
    assert.throws(() => parseContract({ ...contract, features: [{ name: 'stream_sequence', type: 'int' }] }), /collides with a reserved column name/);
  });

  it('refuses an event time no window can hold, which the SQL leaves out of every window', () => {
    const verdict = validateRecord(contract, { ...base, event_time: 'yesterday', price: 'x' });
    assert.deepEqual(verdict, { valid: false, reason: 'event_time: "yesterday" is not a timestamp; price: "x" is not a float', rawRecord: { ...base, event_time: 'yesterday', price: 'x' }, recordId: 'r1', eventTime: null });
    assert.equal(reason({ event_time: null }), 'event_time: missing');
    assert.equal(reason({ event_time: '2024-02-30' }), 'event_time: "2024-02-30" is not a timestamp');
    assert.equal(row({ event_time: '2024-06-03' }).event_time, '2024-06-03T00:00:00.000Z');
    assert.equal(row({ event_time: '2024-06-03T10:00:00.123456-0530' }).event_time, '2024-06-03T15:30:00.123Z');
  });

  it('keeps a bad prediction out of the row without quarantining it', () => {
    assert.equal(row({ prediction: 'n/a' }).prediction, null);
    assert.equal(row({ prediction: ' 2.5 ' }).prediction, 2.5);
  });

  it('ignores inherited properties: a feature named "constructor" is absent from {}', () => {
    const odd = parseContract({ model: 'odd', feature_schema_version: 1, features: [{ name: 'constructor', type: 'category' }] });
    const verdict = recordValidator(odd).validate({ record_id: 'r', event_time: '2024-06-03T00:00:00Z' });
    assert.equal(verdict.valid ? '' : verdict.reason, 'constructor: missing');
  });

  it('applies defaults as the SQL literal does and refuses the defaults the SQL refuses', () => {
    const defaults = parseContract({
      model: 'd',
      feature_schema_version: 1,
      features: [
        { name: 'a', type: 'float', default: ' 2.5 ' },
        { name: 'b', type: 'int', default: ' 3 ' },
        { name: 'c', type: 'category', default: 7 },
        { name: 'e', type: 'bool', default: 'true' },
      ],
    });
    const verdict = recordValidator(defaults).validate({ record_id: 'r', event_time: '2024-06-03T00:00:00Z' });
    assert.deepEqual(verdict.valid ? verdict.row.features : {}, { a: 2.5, b: 3, c: '7', e: true });
    // A default no record could carry is refused with the contract, before any record is judged.
    assert.throws(
      () => parseContract({ model: 'd', feature_schema_version: 1, features: [{ name: 'e', type: 'bool', default: 'yes' }] }),
      (error: unknown) => error instanceof ContractError && /default "yes" of a bool feature is not true or false/.test(error.message),
    );
  });

  it('prints numbers as DuckDB does', () => {
    assert.deepEqual([1e5, 1.5e-7, 1e21, 0.0001, 1e-5, 3, -0, NaN, -Infinity].map(duckdbDoubleText), ['100000.0', '1.5e-07', '1e+21', '0.0001', '1e-05', '3.0', '-0.0', 'nan', '-inf']);
    assert.equal(nestedJsonText({ s: 'a\u001fb', n: [1e-7, 2.5] }), '{"s":"a\\u001Fb","n":[1e-7,2.5]}');
  });
});
