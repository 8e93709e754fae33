import assert from 'node:assert/strict';
import { missingTags, requiredTags } from '../../../src/domain/cost/tag-check.js';

describe('cost tags check', () => {
  it('asks model versions for vigil:model and vigil:version, endpoints for vigil:model, buckets for the config tags only', () => {
    assert.deepEqual(requiredTags('sagemaker-model', ['cost-center']), ['vigil:model', 'vigil:version', 'cost-center']);
    assert.deepEqual(requiredTags('endpoint', ['cost-center', 'vigil:model']), ['vigil:model', 'cost-center']);
    assert.deepEqual(requiredTags('s3-bucket', ['cost-center']), ['cost-center']);
  });

  it('reports each resource with the tags it lacks (an empty value counts as missing), and nothing for a tagged one', () => {
    const findings = missingTags(
      [
        { kind: 'sagemaker-model', id: 'arn:model/a', tags: { 'vigil:model': 'demand', 'vigil:version': 'v1', 'cost-center': 'ml' } },
        { kind: 'sagemaker-model', id: 'arn:model/b', tags: { 'vigil:model': 'demand', 'cost-center': '' } },
        { kind: 's3-bucket', id: 's3://results', tags: {} },
      ],
      ['cost-center'],
    );
    assert.deepEqual(findings, [
      { kind: 'sagemaker-model', id: 'arn:model/b', missing: ['vigil:version', 'cost-center'] },
      { kind: 's3-bucket', id: 's3://results', missing: ['cost-center'] },
    ]);
  });
});
