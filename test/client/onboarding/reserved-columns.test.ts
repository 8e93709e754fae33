// Which columns play the contract's reserved parts: flag, default name, what the files show, a
// common spelling, in that order.
import assert from 'node:assert/strict';
import { endpointBase } from '../../../src/client/onboarding/config-skeleton.js';
import { renamedColumns, resolveReservedColumns } from '../../../src/client/onboarding/reserved-columns.js';

describe('reserved columns', () => {
  it('keeps the default names when present and reports no guess', () => {
    const resolved = resolveReservedColumns(['record_id', 'event_time', 'x', 'prediction', 'model_version', 'label']);
    assert.deepEqual(renamedColumns(resolved.columns), {});
    assert.deepEqual(resolved.guessed, []);
  });

  it('prefers a flag, then the default name, then a hint, then a common spelling', () => {
    const { columns, guessed } = resolveReservedColumns(
      ['score', 'prediction', 'target', 'truth', 'ts'],
      { event_time: 'happened' },
      { label: 'truth', prediction: 'score' },
    );
    assert.equal(columns.event_time, 'happened', 'the flag, although "ts" is present');
    assert.equal(columns.prediction, 'prediction', 'the default name, although a hint names "score"');
    assert.equal(columns.label, 'truth', 'the hint, although "target" is a common spelling');
    assert.deepEqual(guessed, [['label', 'truth', 'from the files']]);
  });

  it('guesses a common spelling only when no flag already took it', () => {
    const { columns } = resolveReservedColumns(['score', 'pred'], { label: 'score' });
    assert.equal(columns.label, 'score');
    assert.equal(columns.prediction, 'pred');
  });

  it('makes endpoint names from any model id', () => {
    assert.equal(endpointBase('delivery_time'), 'delivery-time');
    assert.equal(endpointBase('_x__y_'), 'x-y');
  });
});
