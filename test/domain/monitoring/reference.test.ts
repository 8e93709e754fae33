// Which reference a window is compared against: the serving version's training window, the
// majority version for a mixed window, the configured baseline for a version without one.
import assert from 'node:assert/strict';
import { referenceFor, referenceVersion, trainingReference, type ModelReference } from '../../../src/domain/monitoring/reference.js';

describe('model references', () => {
  const window = { start: '2026-10-13T00:00:00.000Z', end: '2026-10-27T00:00:00.000Z' };

  it('describes a retrained version by its training window and labels as-of', () => {
    assert.deepEqual(trainingReference('v2', { trainingWindow: window, asOf: '2026-10-27T00:00:00.000Z' }), {
      kind: 'training-window',
      version: 'v2',
      window,
      labelsAsOf: '2026-10-27T00:00:00.000Z',
    });
  });

  it('uses the version that served most rows of a mixed window, the newer one on a tie', () => {
    assert.equal(referenceVersion([{ version: 'v1', rows: 4000 }, { version: 'v2', rows: 10000 }]), 'v2');
    assert.equal(referenceVersion([{ version: 'v1', rows: 9000 }, { version: 'v2', rows: 5000 }]), 'v1');
    assert.equal(referenceVersion([{ version: 'v9', rows: 7 }, { version: 'v10', rows: 7 }]), 'v10');
    assert.equal(referenceVersion([]), undefined);
  });

  it('falls back to the configured baseline for a version without a stored reference', () => {
    const stored = new Map<string, ModelReference>([['v2', trainingReference('v2', { trainingWindow: window, asOf: window.end })]]);
    assert.equal(referenceFor('v2', stored).kind, 'training-window');
    assert.deepEqual(referenceFor('v1', stored), { kind: 'baseline', version: 'v1' });
    assert.deepEqual(referenceFor(undefined, stored), { kind: 'baseline' });
  });
});
