// `vigil contract infer`: a contract from one data file's columns, accepted by parseContract.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { inferContract, modelFromFileName, type InferContractOptions } from '../../../src/client/onboarding/infer-contract.js';
import { widenedRange } from '../../../src/client/onboarding/infer-feature.js';
import { parseContract, type FeatureContractJson } from '../../../src/domain/contract/contract.js';

describe('contract inference (vigil contract infer)', function () {
  this.timeout(60_000);
  let dir: string;
  let typedParquet: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-infer-'));
    typedParquet = join(dir, 'houses.parquet');
    const duck = await DuckDbWarehouse.open();
    try {
      await duck.execute(
        `COPY (SELECT 'r' || i AS record_id, TIMESTAMP '2026-01-01' + to_hours(i) AS event_time, CAST(i % 7 AS BIGINT) AS rooms, ` +
          `50.5 + i AS area_m2, i % 2 = 0 AS garden, ['brick', 'wood', 'stone'][1 + i % 3] AS material, 100000.0 + i AS prediction, ` +
          `'v1' AS model_version, 99000.0 + i AS label FROM range(40) AS t(i)) TO '${typedParquet}' (FORMAT parquet)`,
      );
    } finally {
      await duck.close();
    }
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function csv(name: string, lines: string[]): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  async function infer(options: InferContractOptions): Promise<{ contract: FeatureContractJson; notes: string[] }> {
    const notes: string[] = [];
    const contract = await inferContract({ ...options, onNote: (line) => notes.push(line) });
    parseContract(contract);
    return { contract, notes };
  }

  it('types features from the column types, in file order, leaving the reserved columns out', async () => {
    const { contract } = await infer({ from: typedParquet });
    assert.deepEqual(contract, {
      model: 'houses',
      feature_schema_version: 1,
      features: [
        { name: 'rooms', type: 'int' },
        { name: 'area_m2', type: 'float' },
        { name: 'garden', type: 'bool' },
        { name: 'material', type: 'category', categories: ['brick', 'stone', 'wood'] },
      ],
    });
  });

  it('types CSV text that is all numbers or all true/false as such', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i % 4},${i}.5,${i % 2 === 0 ? 'true' : 'False'},${['a', 'b'][i % 2]},${i}`);
    const path = await csv('text.csv', ['count,ratio,flag,letter,prediction', ...rows, ',,,,']);
    const { contract } = await infer({ from: path, model: 'text_model' });
    assert.deepEqual(contract.features, [
      { name: 'count', type: 'int' },
      { name: 'ratio', type: 'float' },
      { name: 'flag', type: 'bool' },
      { name: 'letter', type: 'category', categories: ['a', 'b'] },
    ]);
  });

  it('writes renamed reserved columns under "columns": flags first, then common names, with a note', async () => {
    const path = await csv('renamed.csv', ['request_id,ts,size,y_hat,target,release', ...Array.from({ length: 12 }, (_, i) => `q${i},2026-01-0${1 + (i % 9)},${i},${i * 2},${i * 3},r1`)]);
    const { contract, notes } = await infer({ from: path, columns: { prediction: 'y_hat', model_version: 'release' } });
    assert.deepEqual(contract.columns, { record_id: 'request_id', event_time: 'ts', prediction: 'y_hat', model_version: 'release', label: 'target' });
    assert.deepEqual(contract.features, [{ name: 'size', type: 'int' }]);
    assert.ok(notes.includes('column "target" is the label (by its name; --label names another)'), notes.join('\n'));
    assert.ok(!notes.some((line) => line.includes('y_hat')), 'a flag is not a guess');
  });

  it('lists categories up to --max-categories, sorted, and none past it', async () => {
    const path = await csv('cats.csv', ['few,many', ...Array.from({ length: 30 }, (_, i) => `${['z', 'x', 'y'][i % 3]},c${i % 15}`)]);
    const { contract } = await infer({ from: path, model: 'cats', maxCategories: 10 });
    assert.deepEqual(contract.features, [
      { name: 'few', type: 'category', categories: ['x', 'y', 'z'] },
      { name: 'many', type: 'category' },
    ]);
  });

  it('skips id-like and time columns with a note saying why', async () => {
    const path = await csv('skips.csv', ['customer_id,code,seen_at,amount', ...Array.from({ length: 20 }, (_, i) => `${i},k${i},2026-02-${10 + (i % 9)}T08:${10 + i}:00,${i}`)]);
    const { contract, notes } = await infer({ from: path, model: 'skips' });
    assert.deepEqual(contract.features, [{ name: 'amount', type: 'int' }]);
    assert.deepEqual(notes, [
      'skipped column "customer_id": it looks like an id (by its name)',
      'skipped column "code": every one of its 20 values is different (it looks like an id)',
      'skipped column "seen_at": it holds timestamps or dates',
    ]);
  });

  it('writes widened ranges only with --ranges, keeping a non-negative column at min 0', async () => {
    const path = await csv('ranges.csv', ['qty,temp', ...Array.from({ length: 11 }, (_, i) => `${10 + i},${-5 + i * 0.5}`)]);
    assert.deepEqual((await infer({ from: path, model: 'r' })).contract.features, [
      { name: 'qty', type: 'int' },
      { name: 'temp', type: 'float' },
    ]);
    assert.deepEqual((await infer({ from: path, model: 'r', ranges: true })).contract.features, [
      { name: 'qty', type: 'int', min: 5, max: 25 },
      { name: 'temp', type: 'float', min: -7.5, max: 2.5 },
    ]);
    assert.deepEqual(widenedRange(2, 10, 'int'), { min: 0, max: 14 });
    assert.deepEqual(widenedRange(-1, 1, 'float'), { min: -2, max: 2 });
    assert.deepEqual(widenedRange(3, 3, 'float'), { min: 1.5, max: 4.5 });
    const tight = widenedRange(1000000.1, 1000000.2, 'float');
    assert.ok(tight.min <= 1000000.1 && tight.max >= 1000000.2, JSON.stringify(tight));
  });

  it('names the model after the file unless told', () => {
    assert.equal(modelFromFileName('data/delivery-times.parquet'), 'delivery_times');
    assert.equal(modelFromFileName('2026.csv'), 'm_2026');
  });

  describe('bad input: one line naming the file and the column', () => {
    async function refused(options: InferContractOptions, pattern: RegExp): Promise<void> {
      await assert.rejects(inferContract(options), (error: Error) => {
        assert.equal(error.message.split('\n').length, 1, error.message);
        assert.match(error.message, pattern);
        return true;
      });
    }

    it('a missing file', () => refused({ from: join(dir, 'nope.parquet') }, /^--from .*nope\.parquet: no such file$/));

    it('an empty file', async () => refused({ from: await csv('empty.csv', []).then(async (path) => (await writeFile(path, ''), path)) }, /empty\.csv: the file is empty$/));

    it('a header without rows', async () => refused({ from: await csv('header.csv', ['a,b']) }, /header\.csv: no rows \(only a header\)$/));

    it('a duplicate header', async () => refused({ from: await csv('dup.csv', ['a,b,a', '1,2,3']) }, /dup\.csv: column "a" appears more than once in the header$/));

    it('a file that is not Parquet', async () => refused({ from: await csv('fake.parquet', ['not parquet']) }, /^--from .*fake\.parquet: cannot be read as parquet/));

    it('no usable feature column', async () =>
      refused({ from: await csv('none.csv', ['order_id,prediction', '1,2', '3,4']) }, /none\.csv: no usable feature column \(order_id: it looks like an id \(by its name\)\)$/));

    it('two parts on one column', () =>
      refused({ from: typedParquet, columns: { prediction: 'label' } }, /^column "label" cannot be both the prediction and the label \(--prediction, --label\)$/));

    it('a column flag that is not a name', () => refused({ from: typedParquet, columns: { record_id: 'my id' } }, /^--id "my id": a column name must be/));

    it('a bad model id', () => refused({ from: typedParquet, model: 'my-model' }, /^--model "my-model": a model id must be letters, digits and underscores$/));
  });
});
