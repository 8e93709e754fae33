// `vigil baseline set`: the reference its flags ask for, or one line naming the flags that clash.
import assert from 'node:assert/strict';
import { referenceFromFlags } from '../../../src/client/commands/baseline-set.js';

const now = new Date('2026-03-25T10:00:00.000Z');

describe('vigil baseline set: flags', () => {
  it('--configured: the configured baseline', () => {
    assert.deepEqual(referenceFromFlags({ version: 'v1', configured: true }, now), { kind: 'baseline', version: 'v1' });
  });

  it('--from/--to: days of the log, --to inclusive, labels as of now unless given', () => {
    assert.deepEqual(referenceFromFlags({ version: 'v1', from: '2026-03-01', to: '2026-03-07' }, now), {
      kind: 'training-window',
      version: 'v1',
      window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-08T00:00:00.000Z' },
      labelsAsOf: '2026-03-25T10:00:00.000Z',
    });
    const given = referenceFromFlags({ version: 'v1', from: '2026-03-01', to: '2026-03-01', labelsAsOf: '2026-03-20T00:00:00Z' }, now);
    assert.equal(given.kind === 'training-window' ? given.labelsAsOf : '', '2026-03-20T00:00:00Z');
  });

  it('refuses what does not fit, in one line naming the flag', () => {
    assert.throws(() => referenceFromFlags({ version: 'v1' }, now), /give --configured .* or --from and --to/);
    assert.throws(() => referenceFromFlags({ version: 'v1', configured: true, from: '2026-03-01' }, now), /either --configured or --from\/--to, not both/);
    assert.throws(() => referenceFromFlags({ version: 'v1', from: '2026-3-01', to: '2026-03-07' }, now), /--from "2026-3-01" is not a date \(YYYY-MM-DD\)/);
    assert.throws(() => referenceFromFlags({ version: 'v1', from: '2026-03-07', to: '2026-03-01' }, now), /--to 2026-03-01 is before --from 2026-03-07/);
    assert.throws(() => referenceFromFlags({ version: 'v1', from: '2026-03-01', to: '2026-03-07', labelsAsOf: 'soon' }, now), /--labels-as-of "soon" is not a date-time/);
  });
});
