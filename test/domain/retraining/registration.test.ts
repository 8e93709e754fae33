import assert from 'node:assert/strict';
import { NonRetryableError } from '../../../src/domain/errors.js';
import { checkSameArtifact, pendingVersion, type Registration } from '../../../src/domain/retraining/registration.js';

const entry: Registration = {
  model: 'demand',
  version: 'v2',
  artifactUri: 's3://models/demand/v2/model.json',
  registeredAt: '2024-06-01T00:00:00.000Z',
  metrics: { rmse: 9.8, mape: null },
  origin: { reason: 'drift', workflowId: 'wf-1' },
};

describe('registering a candidate version', () => {
  it('starts pending approval, sharing no objects with the request', () => {
    const registered = pendingVersion(entry);
    assert.deepEqual(registered, { ...entry, status: 'PendingManualApproval' });
    assert.notEqual(registered.metrics, entry.metrics);
    assert.notEqual(registered.origin, entry.origin);
  });

  it('accepts the same artifact again and refuses another one under the name', () => {
    checkSameArtifact(pendingVersion(entry), entry);
    assert.throws(
      () => checkSameArtifact({ artifactUri: 's3://models/demand/v2/other.json' }, entry),
      (error: unknown) =>
        error instanceof NonRetryableError &&
        error.code === 'CONFLICT' &&
        error.message === 'model demand version v2 is already registered with artifact s3://models/demand/v2/other.json, not s3://models/demand/v2/model.json',
    );
  });
});
