import assert from 'node:assert/strict';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { encodedColumnNames, encodeRow, fitEncoding } from '../../../src/domain/model/encoding.js';
import { trainModel } from '../../../src/domain/model/train.js';
import { predict } from '../../../src/domain/model/predict.js';

const contract = parseContract({
  model: 'shop',
  feature_schema_version: 3,
  features: [
    { name: 'size', type: 'float' },
    { name: 'open', type: 'bool' },
    { name: 'kind', type: 'category', categories: ['street', 'mall', 'kiosk'] },
  ],
});

describe('feature encoding', () => {
  const rows = [
    [1, true, 'mall'],
    [3, false, 'street'],
    [5, true, 'airport'],
    [null, null, null],
  ];
  const encoding = fitEncoding(contract.features, rows);

  it('standardises numbers with training mean and std, and imputes the mean when missing', () => {
    const size = encoding[0]!;
    assert.ok(size.type === 'float');
    assert.equal(size.mean, 3);
    assert.equal(size.std, Math.sqrt(8 / 3));
    assert.deepEqual(encodeRow(encoding, [3, true, 'mall']).slice(0, 1), [0]);
    assert.deepEqual(encodeRow(encoding, [null, true, 'mall']).slice(0, 1), [0]);
  });

  it('encodes bools as 0/1 and a missing bool as the training share of true', () => {
    assert.equal(encodeRow(encoding, [3, true, null])[1], 1);
    assert.equal(encodeRow(encoding, [3, false, null])[1], 0);
    assert.equal(encodeRow(encoding, [3, null, null])[1], 2 / 3);
  });

  it('one-hot encodes training categories, contract order first, unseen and missing as all zeros', () => {
    assert.deepEqual(encodedColumnNames(encoding), ['size', 'open', 'kind=street', 'kind=mall', 'kind=airport']);
    assert.deepEqual(encodeRow(encoding, [3, true, 'mall']).slice(2), [0, 1, 0]);
    assert.deepEqual(encodeRow(encoding, [3, true, 'airport']).slice(2), [0, 0, 1]);
    // "kiosk" is in the contract but never seen in training: no column, encodes like unseen.
    assert.deepEqual(encodeRow(encoding, [3, true, 'kiosk']).slice(2), [0, 0, 0]);
    assert.deepEqual(encodeRow(encoding, [3, true, null]).slice(2), [0, 0, 0]);
  });

  it('learns per-category effects through one-hot columns', () => {
    const effect: Record<string, number> = { street: 10, mall: 30, kiosk: -5 };
    const training = Array.from({ length: 90 }, (_, i) => [i % 7, i % 2 === 0, ['street', 'mall', 'kiosk'][i % 3]!] as const);
    const labels = training.map(([size, open, kind]) => 2 * size + (open ? 4 : 0) + effect[kind]!);
    const artifact = trainModel({
      contract,
      rows: training.map((row) => [...row]),
      labels,
      alpha: 1e-9,
      version: 'v1',
      trainedAt: '2024-01-01T00:00:00Z',
    });
    const [street, mall, kiosk, unseen] = predict(artifact, [
      [2, 'yes', 'street'],
      [2, 'yes', 'mall'],
      [2, 'yes', 'kiosk'],
      [2, 'yes', 'airport'],
    ]);
    assert.ok(Math.abs(mall! - street! - 20) < 1e-5, `mall - street = ${mall! - street!}`);
    assert.ok(Math.abs(kiosk! - street! + 15) < 1e-5, `kiosk - street = ${kiosk! - street!}`);
    // An unseen category contributes nothing: between the known ones, at the intercept level.
    assert.ok(unseen! > kiosk! && unseen! < mall!);
  });
});
