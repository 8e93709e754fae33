import assert from 'node:assert/strict';
import { csvBatches, csvLine, RowTooLargeError } from '../../../src/adapters/shared/csv-payload.js';

describe('CSV request bodies', () => {
  it('writes null as empty and quotes fields with commas, quotes or line breaks', () => {
    assert.equal(csvLine([1.5, null, true, 'a,"b"', 'two\nlines', 'plain']), '1.5,,true,"a,""b""","two\nlines",plain\n');
  });

  it('splits rows into bodies of at most maxBytes, keeping their order', () => {
    const rows = [[1, 'aaaa'], [2, 'bbbb'], [3, 'cccc']];
    const batches = [...csvBatches(rows, 14, 'throw')];
    assert.deepEqual(batches, [
      { first: 0, count: 2, body: '1,aaaa\n2,bbbb\n' },
      { first: 2, count: 1, body: '3,cccc\n' },
    ]);
    assert.deepEqual([...csvBatches([], 14, 'throw')], []);
  });

  it('refuses a row over the limit, or sends it alone', () => {
    const rows = [[1, 'a'], [2, 'x'.repeat(20)], [3, 'c']];
    assert.throws(() => [...csvBatches(rows, 10, 'throw')], (error: unknown) => error instanceof RowTooLargeError && error.row === 1 && error.bytes === 23);
    assert.deepEqual(
      [...csvBatches(rows, 10, 'alone')].map(({ first, count }) => [first, count]),
      [
        [0, 1],
        [1, 1],
        [2, 1],
      ],
    );
  });
});
