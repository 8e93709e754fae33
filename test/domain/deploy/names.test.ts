import assert from 'node:assert/strict';
import {
  deploymentTags,
  endpointConfigName,
  maxResourceNameLength,
  modelResourceName,
  ResourceNameError,
  stableHash,
} from '../../../src/domain/deploy/names.js';

const sageMakerName = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

describe('resource names', () => {
  it('are readable joins when the parts are plain', () => {
    assert.equal(modelResourceName('demand', 'v2'), 'demand-v2');
    assert.equal(endpointConfigName('demand', 'v2', 'demand-production'), 'demand-v2-demand-production');
  });

  it('are deterministic and distinct per input', () => {
    assert.equal(endpointConfigName('demand', 'v2', 'demand-staging'), endpointConfigName('demand', 'v2', 'demand-staging'));
    const names = [
      endpointConfigName('demand', 'v2', 'demand-staging'),
      endpointConfigName('demand', 'v2', 'demand-production'),
      endpointConfigName('demand', 'v3', 'demand-staging'),
      endpointConfigName('prices', 'v2', 'demand-staging'),
    ];
    assert.equal(new Set(names).size, names.length);
  });

  it('add a hash when sanitising loses characters, so two versions never share a name', () => {
    const dotted = modelResourceName('demand', 'v1.2');
    const underscored = modelResourceName('demand', 'v1_2');
    assert.match(dotted, /^demand-v1-2-[0-9a-f]{12}$/);
    assert.match(underscored, /^demand-v1-2-[0-9a-f]{12}$/);
    assert.notEqual(dotted, underscored);
    assert.notEqual(dotted, modelResourceName('demand', 'v1-2'));
    assert.match(modelResourceName('demand_model', 'v1'), /^demand-model-v1-[0-9a-f]{12}$/);
  });

  it('add a hash when a "-" inside a part makes the boundary ambiguous', () => {
    const a = endpointConfigName('demand', 'v2-x', 'staging');
    const b = endpointConfigName('demand', 'v2', 'x-staging');
    assert.notEqual(a, b);
    assert.match(a, /-[0-9a-f]{12}$/);
    assert.equal(b, 'demand-v2-x-staging');
  });

  it('cut long names to 63 characters with a hash suffix, ending in a letter or digit', () => {
    const model = 'a'.repeat(40);
    const long = endpointConfigName(model, 'retrain-2026-10-22-drift', `${model}-production`);
    assert.ok(long.length <= maxResourceNameLength, long);
    assert.match(long, sageMakerName);
    assert.notEqual(long, endpointConfigName(model, 'retrain-2026-10-22-drift', `${model}-staging`));
    const exact = modelResourceName('m'.repeat(30), 'v'.repeat(32));
    assert.equal(exact.length, 63);
    assert.ok(!/[0-9a-f]{12}$/.test(exact), 'a name of exactly 63 characters is not cut');
    assert.match(modelResourceName('m'.repeat(30), 'v'.repeat(33)), /^m{30}-v{19}-[0-9a-f]{12}$/);
  });

  it('always satisfy the SageMaker name pattern', () => {
    for (const [model, version, endpoint] of [
      ['demand', '--v2--', 'prod'],
      ['é', 'ü', 'ß'],
      ['x', '..', 'y'],
      ['m', 'v', '-'.repeat(80)],
    ] as const) {
      assert.match(endpointConfigName(model, version, endpoint), sageMakerName, `${model}/${version}/${endpoint}`);
      assert.match(modelResourceName(model, version), sageMakerName, `${model}/${version}`);
    }
  });

  it('refuse empty parts', () => {
    assert.throws(() => modelResourceName('demand', ''), ResourceNameError);
    assert.throws(() => endpointConfigName('demand', 'v1', ' '), ResourceNameError);
  });

  it('hash stably', () => {
    assert.equal(stableHash(''), 'cbf29ce484222325');
    assert.equal(stableHash('a'), 'af63dc4c8601ec8c');
  });
});

describe('deployment tags', () => {
  it('name the model, version, environment and workflow', () => {
    assert.deepEqual(deploymentTags({ model: 'demand', version: 'v2', env: 'production', workflowId: 'vigil-deploy-demand-v2' }), {
      'vigil:model': 'demand',
      'vigil:version': 'v2',
      'vigil:env': 'production',
      'vigil:workflow': 'vigil-deploy-demand-v2',
    });
  });

  it('add the cost center when given', () => {
    const tags = deploymentTags({ model: 'demand', version: 'v2', env: 'staging', workflowId: 'w', costCenter: 'retail-ml' });
    assert.equal(tags['vigil:cost-center'], 'retail-ml');
  });

  it('keep values within AWS tag rules', () => {
    const tags = deploymentTags({ model: 'demand', version: 'v2', env: 'staging', workflowId: `run#1${'x'.repeat(300)}` });
    const workflow = tags['vigil:workflow'] ?? '';
    assert.equal(workflow.length, 256);
    assert.ok(workflow.startsWith('run_1xx'));
    assert.match(workflow, /^[\p{L}\p{N}\s_.:/=+\-@]*$/u);
  });
});
