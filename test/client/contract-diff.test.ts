// `vigil contract diff OLD NEW` on contract files: the summary, the JSON object, the exit code CI
// gates on, and one line naming the file for a contract that cannot be read.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractHash } from '../../src/adapters/shared/contract-hash.js';
import { contractDiffBreakingExitCode, contractDiffCommand } from '../../src/client/commands/contract-diff.js';
import { parseContract } from '../../src/domain/contract/contract.js';
import { errorLine } from '../../src/terminal/error-line.js';
import { capturedConsole } from '../support/console-capture.js';

const v1 = {
  model: 'demand',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float', min: 0, max: 100 },
    { name: 'promo', type: 'bool', default: false },
    { name: 'store_type', type: 'category', categories: ['mall', 'street'] },
  ],
};

const v2 = {
  ...v1,
  feature_schema_version: 2,
  features: [
    { name: 'price', type: 'float', min: 0, max: 200 },
    { name: 'promo', type: 'bool', default: false },
    { name: 'store_type', type: 'category', categories: ['mall', 'street', 'kiosk'] },
    { name: 'holiday', type: 'bool', default: false },
  ],
};

describe('vigil contract diff', () => {
  let dir: string;
  const printed = capturedConsole();

  async function file(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }

  /** The one line `vigil` prints for the command's failure. */
  async function failure(run: Promise<unknown>): Promise<string> {
    try {
      await run;
    } catch (error) {
      const line = errorLine(error);
      assert.equal(line.split('\n').length, 1, line);
      return line;
    }
    assert.fail('the command did not fail');
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-contract-diff-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('prints the verdict, then one line per change, and exits 0 when compatible', async () => {
    const result = await contractDiffCommand({ old: await file('v1.json', v1), new: await file('v2.json', v2) });
    assert.equal(result.exitCode, 0);
    assert.equal(result.comparison.compatibility, 'BACKWARD');
    assert.deepEqual(printed, [
      'BACKWARD: models and monitoring on the new contract read rows written under the old one (not the reverse)',
      '  BACKWARD  feature "price": max 100 -> 200 (widened): new values above 100 count as out of range under the old contract (flagged by quality, not quarantined)',
      '  BACKWARD  feature "store_type": category "kiosk" added: every old value is still listed; a new row holding one counts as unseen under the old contract',
      '  FULL      feature "holiday" added with default false: the new contract reads false in rows written before (a baseline from before holds only that value); the old contract ignores the new column',
    ]);
  });

  it('exits with its own code when BREAKING, and notes a version that did not move', async () => {
    const moved = { ...v1, features: [v1.features[1], v1.features[0], v1.features[2]] };
    const result = await contractDiffCommand({ old: await file('v1.json', v1), new: await file('moved.json', moved) });
    assert.equal(result.exitCode, contractDiffBreakingExitCode);
    assert.notEqual(contractDiffBreakingExitCode, 0);
    assert.notEqual(contractDiffBreakingExitCode, 1);
    assert.equal(printed[0], 'BREAKING: neither contract reads every row written under the other: the new one needs a new model version and a baseline built under it');
    assert.match(printed[1] ?? '', /^ {2}BREAKING {2}feature "promo" moved from position 2 to 1: /);
    assert.equal(
      printed[2],
      '  note: feature_schema_version is 1 in both: rows stamped with it could come from either contract; give the new one a higher number',
    );
  });

  it('says when nothing changed', async () => {
    const respaced = await file('v1-compact.json', JSON.stringify({ ...v1, columns: { record_id: 'record_id' } }));
    const result = await contractDiffCommand({ old: await file('v1.json', v1), new: respaced });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(printed, ['FULL: the contracts hold the same features, columns and ranges']);
  });

  it('--json prints one object with the verdict, both contracts (version and hash) and the changes', async () => {
    const oldPath = await file('v1.json', v1);
    const newPath = await file('v2.json', v2);
    await contractDiffCommand({ old: oldPath, new: newPath, json: true });
    assert.equal(printed.length, 1);
    const output = JSON.parse(printed[0] ?? '') as Record<string, unknown>;
    assert.equal(output.compatibility, 'BACKWARD');
    assert.deepEqual(output.old, { file: oldPath, model: 'demand', feature_schema_version: 1, hash: contractHash(parseContract(v1)) });
    assert.deepEqual((output.new as { feature_schema_version: number }).feature_schema_version, 2);
    assert.deepEqual(
      (output.changes as { feature: string; kind: string; backward: boolean; forward: boolean }[]).map(({ feature, kind, backward, forward }) => [feature, kind, backward, forward]),
      [
        ['price', 'range_widened', true, false],
        ['store_type', 'categories_added', true, false],
        ['holiday', 'feature_added', true, true],
      ],
    );
    assert.deepEqual(output.notes, []);
  });

  it('hashes the contract, not its spelling', () => {
    const hash = contractHash(parseContract(v1));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(contractHash(parseContract({ features: v1.features, feature_schema_version: 1, model: 'demand', columns: {} })), hash);
    assert.notEqual(contractHash(parseContract(v2)), hash);
  });

  it('refuses a file it cannot read or parse in one line naming the file', async () => {
    const good = await file('v1.json', v1);
    const missing = join(dir, 'nowhere.json');
    assert.equal(await failure(contractDiffCommand({ old: missing, new: good })), `old contract ${missing}: no such file`);
    const folder = join(dir, 'folder.json');
    await mkdir(folder, { recursive: true });
    assert.equal(await failure(contractDiffCommand({ old: good, new: folder })), `new contract ${folder}: not a file`);
    const broken = await file('broken.json', '{\n  "model": "demand",\n  "features": [\n}');
    assert.match(await failure(contractDiffCommand({ old: good, new: broken })), new RegExp(`^new contract ${broken}: invalid JSON at line 4, column 1: `));
    const invalid = await file('invalid.json', { ...v1, features: [{ name: 'price', type: 'decimal' }, { name: 'promo', type: 'bool', min: 1 }] });
    assert.match(
      await failure(contractDiffCommand({ old: invalid, new: good })),
      new RegExp(`^old contract ${invalid}: not a valid feature contract: features\\.0\\.type: .+; features\\.1: min/max apply only to int and float features, not bool$`),
    );
    const badDefault = await file('bad-default.json', { ...v1, features: [{ name: 'price', type: 'float', default: 'n/a' }] });
    assert.equal(
      await failure(contractDiffCommand({ old: good, new: badDefault })),
      `new contract ${badDefault}: not a valid feature contract: features.0.default: default "n/a" of a float feature is not a number`,
    );
    assert.deepEqual(printed, []);
  });

  it('refuses contracts of two different models', async () => {
    const oldPath = await file('v1.json', v1);
    const other = await file('delivery.json', { ...v1, model: 'delivery' });
    assert.equal(
      await failure(contractDiffCommand({ old: oldPath, new: other })),
      `old contract ${oldPath} describes model "demand" and new contract ${other} "delivery": compare two versions of one model's contract`,
    );
  });
});
