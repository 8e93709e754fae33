import assert from 'node:assert/strict';
import { driftsAsNumbers, featureOrder, parseContract, ContractError } from '../../../src/domain/contract/contract.js';

describe('feature contract', () => {
  it('keeps feature order and fills column defaults', () => {
    const contract = parseContract({
      model: 'demand',
      feature_schema_version: 1,
      features: [
        { name: 'b', type: 'float' },
        { name: 'a', type: 'category' },
      ],
    });
    assert.deepEqual(featureOrder(contract), ['b', 'a']);
    assert.equal(contract.columns.record_id, 'record_id');
  });

  it('lists every problem with its path', () => {
    assert.throws(
      () =>
        parseContract({
          model: 'bad name',
          feature_schema_version: 0,
          features: [
            { name: 'x', type: 'text' },
            { name: 'y', type: 'category', min: 1 },
          ],
        }),
      (error: unknown) => {
        assert.ok(error instanceof ContractError);
        const text = error.problems.join('\n');
        assert.match(text, /^model:/m);
        assert.match(text, /^feature_schema_version:/m);
        assert.match(text, /^features\.0\.type:/m);
        assert.match(text, /features\.1.*min\/max apply only/m);
        return true;
      },
    );
  });

  it('refuses a default the feature would not accept from a record, naming the feature and the value', () => {
    const parse = (features: unknown[]): void => void parseContract({ model: 'shop', feature_schema_version: 1, features });
    assert.throws(
      () =>
        parse([
          { name: 'footfall', type: 'int', default: 2.5 },
          { name: 'price', type: 'float', default: '0x10' },
          { name: 'promo', type: 'bool', default: 'yes' },
          { name: 'rate', type: 'float', default: '' },
        ]),
      (error: unknown) => {
        assert.ok(error instanceof ContractError);
        assert.deepEqual(error.problems, [
          'features.0.default: default 2.5 of an int feature is not whole',
          'features.1.default: default "0x10" of a float feature is not a number',
          'features.2.default: default "yes" of a bool feature is not true or false',
          'features.3.default: default "" of a float feature is not a number',
        ]);
        return true;
      },
    );
    parse([
      { name: 'footfall', type: 'int', default: '3' },
      { name: 'price', type: 'float', default: ' 1.5 ' },
      { name: 'promo', type: 'bool', default: 'false' },
      { name: 'region', type: 'category', default: 7 },
    ]);
  });

  it('calendar features: int or category only, and compared as values rather than numbers', () => {
    const contract = parseContract({
      model: 'm',
      feature_schema_version: 1,
      features: [
        { name: 'dow', type: 'int', calendar: 'weekday' },
        { name: 'x', type: 'float' },
      ],
    });
    assert.deepEqual(contract.features.map(driftsAsNumbers), [false, true]);
    assert.throws(
      () => parseContract({ model: 'm', feature_schema_version: 1, features: [{ name: 'x', type: 'float', calendar: 'weekday' }] }),
      /features\.0: calendar applies only to int and category features, not float/,
    );
  });
});
