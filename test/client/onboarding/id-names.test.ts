// Which column names read as identifiers, for `vigil drift` and `vigil contract infer` alike.
import assert from 'node:assert/strict';
import { looksLikeIdName } from '../../../src/client/onboarding/value-kinds.js';

describe('id-like column names', () => {
  it('ids by name, in the usual spellings', () => {
    for (const name of ['id', 'ID', 'record_id', 'order_ID', 'userId', 'customerID', 'uuid', 'GUID']) assert.equal(looksLikeIdName(name), true, name);
  });

  it('words that merely end in "id" are features', () => {
    for (const name of ['paid', 'valid', 'humid', 'Paid', 'rapid_growth', 'idle', 'width']) assert.equal(looksLikeIdName(name), false, name);
  });
});
