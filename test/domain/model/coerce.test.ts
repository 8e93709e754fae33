import assert from 'node:assert/strict';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { ArtifactError, parseArtifact } from '../../../src/domain/model/artifact.js';
import { coerceRow, coerceValue, rowFromRecord } from '../../../src/domain/model/coerce.js';
import { predict, RowCoercionError } from '../../../src/domain/model/predict.js';
import { trainModel } from '../../../src/domain/model/train.js';

const contract = parseContract({
  model: 'shop',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float' },
    { name: 'units', type: 'int', default: 1 },
    { name: 'promo', type: 'bool', default: false },
    { name: 'kind', type: 'category' },
  ],
});
const specs = contract.features;

function problems(row: unknown[]): string[] {
  const result = coerceRow(specs, row as never[]);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems;
}

describe('row coercion', () => {
  it('coerces strings and typed values per the contract', () => {
    assert.deepEqual(coerceRow(specs, ['12.5', '3', 'YES', 'mall']), { ok: true, values: [12.5, 3, true, 'mall'] });
    assert.deepEqual(coerceRow(specs, [12.5, 3, 0, 7]), { ok: true, values: [12.5, 3, false, '7'] });
    assert.deepEqual(coerceRow(specs, [' 1e2 ', '-4', 'no', ' outlet ']), { ok: true, values: [100, -4, false, 'outlet'] });
  });

  it('applies defaults to missing values and leaves the rest missing', () => {
    assert.deepEqual(coerceRow(specs, ['', null, undefined, '']), { ok: true, values: [null, 1, false, null] });
  });

  it('names the feature and the value it cannot coerce', () => {
    assert.deepEqual(problems(['abc', '2', 'true', 'x']), ['feature "price": "abc" is not a float']);
    assert.deepEqual(problems(['1', '1.5', 'true', 'x']), ['feature "units": "1.5" is not an int']);
    assert.deepEqual(problems(['1', '2', 'maybe', 'x']), ['feature "promo": "maybe" is not a bool']);
    assert.deepEqual(problems(['0x1F', 'Infinity', 'true', 'x']), [
      'feature "price": "0x1F" is not a float',
      'feature "units": "Infinity" is not an int',
    ]);
    assert.deepEqual(problems([Number.NaN, '1', true, 'x']), ['feature "price": NaN is not a float']);
    assert.deepEqual(problems([true, '1', true, 'x']), ['feature "price": true is not a float']);
    assert.match(problems(['1', '2'])[0]!, /expected 4 values \(price, units, promo, kind\), got 2/);
  });

  it('reports an invalid default as a contract problem', () => {
    const result = coerceValue({ name: 'n', type: 'int', default: 'lots' }, null);
    assert.deepEqual(result, { ok: false, problem: 'feature "n": default "lots" is not an int' });
  });

  it('orders records by contract and rejects unknown keys', () => {
    assert.deepEqual(rowFromRecord(specs, { kind: 'a', price: 2 }), { ok: true, row: [2, undefined, undefined, 'a'] });
    assert.deepEqual(rowFromRecord(specs, { prices: 2 }), { ok: false, problems: ['unknown feature "prices"'] });
    assert.deepEqual(rowFromRecord(specs, { constructor: 1 }), { ok: false, problems: ['unknown feature "constructor"'] });
  });
});

describe('predict and the artifact', () => {
  const artifact = trainModel({
    contract,
    rows: [
      [1, 1, false, 'a'],
      [2, 2, true, 'b'],
      [3, 1, false, 'a'],
      [4, 3, true, 'b'],
    ],
    labels: [1, 2, 3, 4],
    holdout: { rows: [[5, 1, false, 'a']], labels: [5] },
    version: 'v7',
    trainedAt: '2024-02-03T04:05:06Z',
  });

  it('throws one error naming every bad row, feature and value', () => {
    assert.throws(
      () => predict(artifact, [[1, 1, false, 'a'], ['abc', 1, false, 'a'], [1, 'x', 'perhaps', 'a']]),
      (error: unknown) => {
        assert.ok(error instanceof RowCoercionError);
        assert.deepEqual(error.problems, [
          'row 2: feature "price": "abc" is not a float',
          'row 3: feature "units": "x" is not an int',
          'row 3: feature "promo": "perhaps" is not a bool',
        ]);
        assert.match(error.message, /row 2: feature "price": "abc" is not a float/);
        return true;
      },
    );
  });

  it('is JSON-serialisable and survives a round trip', () => {
    const copy = parseArtifact(JSON.parse(JSON.stringify(artifact)));
    assert.deepEqual(copy, artifact);
    assert.equal(copy.format, 'vigil-ridge/1');
    assert.deepEqual(copy.features, ['price', 'units', 'promo', 'kind']);
    assert.equal(copy.trainedAt, '2024-02-03T04:05:06Z');
    assert.equal(copy.trainingRows, 4);
    assert.equal(copy.metrics?.holdoutRows, 1);
    assert.deepEqual(predict(copy, [['2', '', '', 'b']]), predict(artifact, [[2, 1, false, 'b']]));
  });

  it('rejects artifacts whose parts do not fit together', () => {
    assert.throws(() => parseArtifact({ ...artifact, coefficients: [1] }), ArtifactError);
    assert.throws(() => parseArtifact({ ...artifact, features: ['price'] }), /differ from features/);
    assert.throws(() => parseArtifact({ format: 'other' }, 'x.json'), /x\.json is not a vigil-ridge\/1 model artifact/);
  });

  it('fails training on bad rows unless told to skip them', () => {
    const rows = [
      [1, 1, false, 'a'],
      ['bad', 1, false, 'a'],
      [3, 1, true, 'b'],
    ];
    assert.throws(() => trainModel({ contract, rows, labels: [1, 2, 3], version: 'v', trainedAt: 't' }), /row 2: feature "price"/);
    const skipped = trainModel({ contract, rows, labels: [1, 2, 3], version: 'v', trainedAt: 't', skipInvalidRows: true });
    assert.equal(skipped.trainingRows, 2);
  });
});
