// How `npm run chaos -- --parallel P` cuts its runs: slices of consecutive seeds, one mode each,
// covering every seed of every mode once.
import assert from 'node:assert/strict';
import { slicesOf } from './parallel.js';

describe('chaos --parallel: the slices', () => {
  it('cuts each mode’s seeds into about P / modes slices of consecutive seeds', () => {
    assert.deepEqual(slicesOf(['local', 'aws'], 1, 20, 4), [
      { mode: 'local', seed: 1, runs: 10 },
      { mode: 'local', seed: 11, runs: 10 },
      { mode: 'aws', seed: 1, runs: 10 },
      { mode: 'aws', seed: 11, runs: 10 },
    ]);
    assert.deepEqual(slicesOf(['aws'], 5, 7, 3), [
      { mode: 'aws', seed: 5, runs: 2 },
      { mode: 'aws', seed: 7, runs: 2 },
      { mode: 'aws', seed: 9, runs: 3 },
    ]);
  });

  it('never makes an empty slice, and covers every seed once', () => {
    assert.deepEqual(slicesOf(['local'], 1, 2, 8), [
      { mode: 'local', seed: 1, runs: 1 },
      { mode: 'local', seed: 2, runs: 1 },
    ]);
    const slices = slicesOf(['local', 'aws'], 3, 13, 5);
    for (const mode of ['local', 'aws'] as const) {
      const seeds = slices.filter((slice) => slice.mode === mode).flatMap((slice) => Array.from({ length: slice.runs }, (_, at) => slice.seed + at));
      assert.deepEqual(seeds, Array.from({ length: 13 }, (_, at) => 3 + at));
    }
  });
});
