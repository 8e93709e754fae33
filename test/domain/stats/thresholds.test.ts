import assert from 'node:assert/strict';
import { evaluateThreshold } from '../../../src/domain/stats/index.js';

describe('stats: threshold evaluation', () => {
  it('breaches a comparison rule when "value op threshold" holds, with the excess beyond it', () => {
    assert.deepEqual(evaluateThreshold(0.25, { op: '>=', threshold: 0.2 }).breached, true);
    assert.ok(Math.abs((evaluateThreshold(0.25, { op: '>=', threshold: 0.2 }).excess ?? 0) - 0.05) < 1e-15);
    assert.deepEqual(evaluateThreshold(0.2, { op: '>=', threshold: 0.2 }), { evaluated: true, breached: true, excess: 0 });
    assert.deepEqual(evaluateThreshold(0.2, { op: '>', threshold: 0.2 }), { evaluated: true, breached: false, excess: 0 });
    assert.deepEqual(evaluateThreshold(0.01, { op: '<', threshold: 0.05 }), { evaluated: true, breached: true, excess: 0.04 });
    assert.deepEqual(evaluateThreshold(0.05, { op: '<=', threshold: 0.05 }), { evaluated: true, breached: true, excess: 0 });
    assert.deepEqual(evaluateThreshold(0.5, { op: '<', threshold: 0.05 }), { evaluated: true, breached: false, excess: 0 });
  });

  it('breaches an allowed range outside [min, max], bounds included as allowed', () => {
    assert.deepEqual(evaluateThreshold(12, { min: 0, max: 10 }), { evaluated: true, breached: true, excess: 2 });
    assert.deepEqual(evaluateThreshold(-3, { min: 0, max: 10 }), { evaluated: true, breached: true, excess: 3 });
    assert.deepEqual(evaluateThreshold(10, { min: 0, max: 10 }), { evaluated: true, breached: false, excess: 0 });
    assert.deepEqual(evaluateThreshold(-1e9, { max: 10 }), { evaluated: true, breached: false, excess: 0 });
    assert.deepEqual(evaluateThreshold(0.7, { min: 0.8 }), { evaluated: true, breached: true, excess: 0.10000000000000009 });
    assert.throws(() => evaluateThreshold(1, { min: 2, max: 1 }), RangeError);
  });

  it('never breaches on a missing value, and says it did not evaluate', () => {
    const notEvaluated = { evaluated: false, breached: false, excess: null };
    assert.deepEqual(evaluateThreshold(null, { op: '>=', threshold: 0 }), notEvaluated);
    assert.deepEqual(evaluateThreshold(Number.NaN, { op: '<', threshold: 1 }), notEvaluated);
    assert.deepEqual(evaluateThreshold(null, { min: 0 }), notEvaluated);
  });
});
