import assert from 'node:assert/strict';
import { nearestRank, smokeRequestRows, smokeTestVerdict, type SmokeInput, type SmokeResponse } from '../../../src/domain/deploy/smoke-test.js';

const bounds = { p50Ms: 50, p95Ms: 200, maxMs: 1000 };
const contract = { prediction_range: { min: 0, max: 500 } };

const ok = (rows: number, latencyMs = 10, value = 42): SmokeResponse => ({ rows, predictions: new Array<number>(rows).fill(value), latencyMs });

function input(responses: SmokeResponse[], extra: Partial<SmokeInput> = {}): SmokeInput {
  return { contract, rowsSent: responses.reduce((sum, r) => sum + r.rows, 0), responses, bounds, ...extra };
}

describe('smoke test verdict', () => {
  it('passes when every request answers one in-range number per row within the bounds', () => {
    const verdict = smokeTestVerdict(input([ok(5, 10), ok(5, 20), ok(3, 30)]));
    assert.deepEqual(verdict, {
      passed: true,
      reasons: [],
      stats: { requests: 3, rows: 13, errors: 0, p50Ms: 20, p95Ms: 30, maxMs: 30, invalidPredictions: 0, outOfRange: 0 },
    });
  });

  it('fails when nothing was sent', () => {
    const verdict = smokeTestVerdict(input([]));
    assert.equal(verdict.passed, false);
    assert.match(verdict.reasons.join('\n'), /no smoke requests were sent/);
    assert.deepEqual([verdict.stats.p50Ms, verdict.stats.maxMs], [null, null]);
  });

  it('fails on a request error, naming the first one', () => {
    const verdict = smokeTestVerdict(input([ok(5), { rows: 5, predictions: undefined, latencyMs: 12, error: 'HTTP 500: boom' }, { rows: 5, predictions: undefined, latencyMs: 9, error: 'timeout' }]));
    assert.equal(verdict.passed, false);
    assert.deepEqual(verdict.reasons, ['2 of 3 request(s) failed (first: HTTP 500: boom)']);
    assert.equal(verdict.stats.errors, 2);
  });

  it('fails on the wrong number of predictions or a missing answer', () => {
    const verdict = smokeTestVerdict(input([ok(5), { rows: 5, predictions: [1, 2, 3, 4], latencyMs: 5 }, { rows: 2, predictions: undefined, latencyMs: 5 }]));
    assert.deepEqual(verdict.reasons, ['2 response(s) had the wrong number of predictions (request 2: expected 5, got 4)']);
  });

  it('fails on non-numbers and on NaN or infinite predictions, counting them as invalid', () => {
    const verdict = smokeTestVerdict(input([{ rows: 4, predictions: [1, 'abc', null, Number.NaN], latencyMs: 5 }, { rows: 1, predictions: [Infinity], latencyMs: 5 }]));
    assert.equal(verdict.passed, false);
    assert.deepEqual(verdict.reasons, ['2 prediction(s) are not numbers (e.g. "abc")', '2 prediction(s) are NaN or infinite (e.g. NaN)']);
    assert.equal(verdict.stats.invalidPredictions, 4);
  });

  it('fails on predictions outside the contract range, with the count and the furthest value', () => {
    const verdict = smokeTestVerdict(input([{ rows: 4, predictions: [-1, 10, 600, -3.5], latencyMs: 5 }, ok(6)]));
    assert.deepEqual(verdict.reasons, ["3 of 10 prediction(s) are outside the contract's prediction range [0, 500] (e.g. 600)"]);
    assert.equal(verdict.stats.outOfRange, 3);
    assert.ok(smokeTestVerdict(input([{ rows: 2, predictions: [0, 500], latencyMs: 5 }])).passed, 'the range is inclusive');
  });

  it('does not check the range when the contract gives none', () => {
    assert.ok(smokeTestVerdict(input([{ rows: 2, predictions: [-1e6, 1e9], latencyMs: 5 }], { contract: {} })).passed);
  });

  it('fails on latency above each bound, saying which, measured and bound', () => {
    // 20 requests: p50 is the 10th value, p95 the 19th, max the 20th.
    const latencies = [...Array.from({ length: 18 }, (_, i) => 10 + i), 300, 1500];
    const verdict = smokeTestVerdict(input(latencies.map((latency) => ok(1, latency))));
    assert.deepEqual(verdict.reasons, ['latency p95 300 ms is above the bound of 200 ms', 'latency max 1500 ms is above the bound of 1000 ms']);
    assert.deepEqual([verdict.stats.p50Ms, verdict.stats.p95Ms, verdict.stats.maxMs], [19, 300, 1500]);
    const slow = smokeTestVerdict(input([ok(1, 60.04), ok(1, 70)]));
    assert.deepEqual(slow.reasons, ['latency p50 60 ms is above the bound of 50 ms']);
  });

  it('fails when the requests do not add up to the rows sent', () => {
    const verdict = smokeTestVerdict(input([ok(5)], { rowsSent: 10 }));
    assert.deepEqual(verdict.reasons, ['the requests carried 5 row(s) but 10 were sent']);
  });

  it('lists every failed check at once', () => {
    const verdict = smokeTestVerdict(input([{ rows: 1, predictions: [-5], latencyMs: 2000 }, { rows: 1, predictions: undefined, latencyMs: 1, error: 'refused' }]));
    assert.equal(verdict.reasons.length, 4, verdict.reasons.join('\n'));
  });

  it('refuses a bound that is not a number >= 0', () => {
    assert.throws(() => smokeTestVerdict(input([ok(1)], { bounds: { ...bounds, p95Ms: Number.NaN } })), /p95Ms must be a number >= 0/);
    assert.ok(smokeTestVerdict(input([ok(1, 1e6)], { bounds: { p50Ms: Infinity, p95Ms: Infinity, maxMs: Infinity } })).passed);
  });
});

describe('nearestRank', () => {
  it('is the smallest value with at least p% at or below it', () => {
    const values = [15, 20, 35, 40, 50];
    assert.equal(nearestRank(values, 5), 15);
    assert.equal(nearestRank(values, 30), 20);
    assert.equal(nearestRank(values, 40), 20);
    assert.equal(nearestRank(values, 50), 35);
    assert.equal(nearestRank(values, 100), 50);
    assert.equal(nearestRank([3, 1, 2], 0), 1);
    assert.equal(nearestRank([], 50), null);
  });
});

describe('smokeRequestRows', () => {
  const rows = Array.from({ length: 100 }, (_, i) => i);

  it('picks evenly spaced rows, the first included, and groups them into requests', () => {
    assert.deepEqual(smokeRequestRows(rows, 10, 4), [[0, 10, 20, 30], [40, 50, 60, 70], [80, 90]]);
    assert.deepEqual(smokeRequestRows(rows, 3, 10), [[0, 33, 66]]);
    assert.deepEqual(smokeRequestRows(rows, 7, 3), smokeRequestRows(rows, 7, 3), 'deterministic');
  });

  it('picks distinct rows, and all of them when there are fewer than asked', () => {
    const picked = smokeRequestRows(rows, 99, 10).flat();
    assert.equal(new Set(picked).size, 99);
    assert.deepEqual(smokeRequestRows([1, 2, 3], 10, 2), [[1, 2], [3]]);
    assert.deepEqual(smokeRequestRows([], 10, 2), []);
  });

  it('refuses counts that are not positive integers', () => {
    assert.throws(() => smokeRequestRows(rows, 0, 5), /smoke row count/);
    assert.throws(() => smokeRequestRows(rows, 5, 1.5), /rows per smoke request/);
  });
});
