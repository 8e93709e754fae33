// A model as a processing input holds it: model.json as is, or model.tar.gz (SageMaker's packing of
// /opt/ml/model, with or without "./" before the names) extracted to a folder of its own.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { JobInputError } from '../../src/sagemaker-container/job-failure.js';
import { modelFolderOf } from '../../src/sagemaker-container/model-folder.js';

describe('modelFolderOf', () => {
  let dir: string;
  let source: string;
  const model = '{"format": "vigil-ridge/1"}\n';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-model-folder-'));
    source = join(dir, 'source');
    await mkdir(source);
    await writeFile(join(source, 'model.json'), model);
    await writeFile(join(source, 'notes.txt'), 'not the model');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function inputWith(name: string, entries: string[] | undefined): Promise<string> {
    const input = join(dir, name);
    await mkdir(input);
    if (entries !== undefined) await createTar({ gzip: true, file: join(input, 'model.tar.gz'), cwd: source }, entries);
    return input;
  }

  it('takes a folder holding model.json as it is', async () => {
    const folder = await modelFolderOf(source, 'champion');
    assert.equal(folder.dir, source);
    await folder.cleanup();
    assert.ok((await stat(join(source, 'model.json'))).isFile(), 'left in place');
  });

  for (const [name, entries] of [
    ['plain names', ['model.json', 'notes.txt']],
    ['names under "./"', ['.']],
  ] as const) {
    it(`extracts model.json alone from a model.tar.gz with ${name}, and removes it on cleanup`, async () => {
      const folder = await modelFolderOf(await inputWith(name.replace(/\W+/g, '-'), [...entries]), 'candidate');
      assert.ok(folder.dir !== undefined);
      assert.equal(await readFile(join(folder.dir, 'model.json'), 'utf8'), model);
      await assert.rejects(stat(join(folder.dir, 'notes.txt')), /ENOENT/);
      await folder.cleanup();
      await assert.rejects(stat(folder.dir), /ENOENT/);
    });
  }

  it('finds no model in a missing or empty input', async () => {
    assert.equal((await modelFolderOf(join(dir, 'absent'), 'champion')).dir, undefined);
    assert.equal((await modelFolderOf(await inputWith('empty', undefined), 'champion')).dir, undefined);
  });

  it('says what is wrong with an archive in one line', async () => {
    const without = await inputWith('without', ['notes.txt']);
    await assert.rejects(modelFolderOf(without, 'input candidate'), (error: unknown) => {
      assert.ok(error instanceof JobInputError);
      assert.equal(error.message, `input candidate ${join(without, 'model.tar.gz')} holds no model.json at its top (it holds notes.txt)`);
      return true;
    });
    const corrupt = await inputWith('corrupt', undefined);
    await writeFile(join(corrupt, 'model.tar.gz'), 'not gzip');
    await assert.rejects(modelFolderOf(corrupt, 'input candidate'), /^JobInputError: input candidate .*model\.tar\.gz is not a readable model\.tar\.gz: /);
    const two = await inputWith('two', ['model.json']);
    await writeFile(join(two, 'other.tar.gz'), '');
    await assert.rejects(modelFolderOf(two, 'input candidate'), /holds 2 archives \(model\.tar\.gz, other\.tar\.gz\): which is the model is unclear/);
  });
});
