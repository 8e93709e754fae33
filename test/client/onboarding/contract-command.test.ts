// `vigil contract infer` as a user runs it: the contract on stdout (notes on stderr), or written to
// --out, and one line on stderr for a mistake.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseContract } from '../../../src/domain/contract/contract.js';

function vigil(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { VIGIL_DEBUG: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil contract infer (command line)', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-contract-cli-'));
    data = join(dir, 'fares.csv');
    await writeFile(data, `trip_id,km,night,prediction,fare\n${Array.from({ length: 20 }, (_, i) => `${i},${i * 1.5},${i % 2 === 0},${i * 3},${i * 3 + 1}`).join('\n')}\n`);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('prints a valid contract on stdout and its notes on stderr', () => {
    const run = vigil(['contract', 'infer', '--from', data, '--label', 'fare']);
    assert.equal(run.status, 0, run.stderr);
    const contract = parseContract(JSON.parse(run.stdout));
    assert.equal(contract.model, 'fares');
    assert.equal(contract.columns.label, 'fare');
    assert.deepEqual(contract.features.map((feature) => [feature.name, feature.type]), [['km', 'float'], ['night', 'bool']]);
    assert.equal(run.stderr.trim(), 'vigil contract infer: skipped column "trip_id": it looks like an id (by its name)');
  });

  it('writes --out, refuses to replace it without --force, and refuses a bad flag in one line', async () => {
    const out = join(dir, 'fares.contract.json');
    const first = vigil(['contract', 'infer', '--from', data, '--model', 'fares', '--out', out]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(parseContract(JSON.parse(await readFile(out, 'utf8'))).model, 'fares');
    for (const [args, pattern] of [
      [['--out', out], /fares\.contract\.json already exists \(--force replaces it\)$/],
      [['--max-categories', 'lots'], /^--max-categories must be a whole number >= 0, got "lots"$/],
    ] as const) {
      const run = vigil(['contract', 'infer', '--from', data, ...args]);
      assert.notEqual(run.status, 0);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr.trim(), pattern);
    }
  });
});
