// `vigil model register`: where the worker should read the artifact from, refused in one line when
// it cannot be right for the mode.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { artifactFor } from '../../../src/client/commands/model.js';

describe('vigil model register: the artifact', () => {
  it('local mode: a path made absolute for the worker, or none (judged by its logged predictions)', () => {
    assert.equal(artifactFor('local', 'models/jan.json'), resolve('models/jan.json'));
    assert.equal(artifactFor('local', undefined), undefined);
    assert.throws(() => artifactFor('local', 's3://bucket/model.tar.gz'), /--artifact "s3:\/\/bucket\/model.tar.gz" is an S3 URI; local mode reads a model.json file/);
  });

  it('aws mode: an s3:// URI, required', () => {
    assert.equal(artifactFor('aws', 's3://bucket/m/model.tar.gz'), 's3://bucket/m/model.tar.gz');
    assert.throws(() => artifactFor('aws', undefined), /--artifact is required in aws mode/);
    assert.throws(() => artifactFor('aws', './model.json'), /--artifact "\.\/model.json" must be an s3:\/\/ URI in aws mode/);
  });
});
