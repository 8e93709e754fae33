// `vigil drift` on bad input: each mistake is one line on stderr naming the file (and the line,
// column or feature), with a non-zero exit, never a raw reader error or a quietly wrong result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function drift(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { VIGIL_DEBUG: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', 'drift', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertRefused(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(run.status, 0);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, pattern);
}

describe('vigil drift on bad input', function () {
  this.timeout(120_000);
  let dir: string;
  let good: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-drift-bad-'));
    good = join(dir, 'good.csv');
    await writeFile(good, `a,b\n${Array.from({ length: 50 }, (_, i) => `${i},${i % 5}`).join('\n')}\n`);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function file(name: string, content: string | Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('names a missing file', () => {
    assertRefused(drift(['--baseline', good, '--current', join(dir, 'nope.csv')]), /--current .*nope\.csv: no such file/);
  });

  it('refuses files with no column in common', async () => {
    const other = await file('other.csv', 'x,y\n1,2\n3,4\n');
    const run = drift(['--baseline', good, '--current', other]);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr.trim().split('\n').at(-1) ?? '', /good\.csv and .*other\.csv: the two files have no column in common$/);
  });

  it('names the file and line of non-UTF-8 text', async () => {
    const latin1 = await file('latin1.csv', Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xe9]), Buffer.from('\n')]));
    assertRefused(drift(['--baseline', good, '--current', latin1]), /latin1\.csv: line 3 is not UTF-8/);
  });

  it('names the contract file and position of a JSON syntax error', async () => {
    const contract = await file('bad.json', '{"model": "m",\n "features": [}');
    assertRefused(drift(['--baseline', good, '--current', good, '--contract', contract]), /--contract .*bad\.json: invalid JSON at line 2, column 15/);
  });

  it('lists the problems of a contract that is not one', async () => {
    const contract = await file('wrong.json', JSON.stringify({ model: 'm', features: [{ name: 'a', type: 'nope' }] }));
    const run = drift(['--baseline', good, '--current', good, '--contract', contract]);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /wrong\.json/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('names a contract feature missing from a data file', async () => {
    const contract = await file('contract.json', JSON.stringify({ model: 'm', feature_schema_version: 1, features: [{ name: 'a', type: 'float' }, { name: 'c', type: 'float' }] }));
    assertRefused(drift(['--baseline', good, '--current', good, '--contract', contract]), /feature "c" of the contract is not a column of .*good\.csv/);
  });

  it('refuses a header-only file: no rows', async () => {
    const header = await file('header.csv', 'a,b\n');
    assertRefused(drift(['--baseline', good, '--current', header]), /header\.csv: no rows/);
  });

  it('refuses duplicate header names, naming the column', async () => {
    const dup = await file('dup.csv', 'a,b,a\n1,2,3\n');
    assertRefused(drift(['--baseline', good, '--current', dup]), /dup\.csv: column "a" appears more than once/);
  });

  it('refuses wildcards instead of reading several files', () => {
    assertRefused(drift(['--baseline', good, '--current', join(dir, '*.csv')]), /wildcard/);
  });

  it('refuses an empty file (no phantom column0)', async () => {
    const empty = await file('empty.csv', '');
    assertRefused(drift(['--baseline', good, '--current', empty]), /empty\.csv: the file is empty/);
  });
});

describe('vigil drift without a contract: id and time columns', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-drift-skip-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('skips id-like and timestamp columns, saying why, and compares the rest', async () => {
    const rows = (offset: number): string =>
      `record_id,event_time,a,prediction\n${Array.from({ length: 60 }, (_, i) => `${i + offset},2026-10-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,${i % 7},${i % 9}.5`).join('\n')}\n`;
    const baseline = join(dir, 'baseline.csv');
    const current = join(dir, 'current.csv');
    await writeFile(baseline, rows(0));
    await writeFile(current, rows(1000));
    const run = drift(['--baseline', baseline, '--current', current, '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /skipped column "record_id": it looks like an id/);
    assert.match(run.stderr, /skipped column "event_time": its values are timestamps or dates/);
    const { features } = JSON.parse(run.stdout) as { features: { name: string; kind: string; drifted: boolean }[] };
    assert.deepEqual(
      features.map((feature) => [feature.name, feature.kind, feature.drifted]),
      [
        ['a', 'numeric', false],
        ['prediction', 'numeric', false],
      ],
    );
  });
});

describe('vigil drift: per-feature validity', function () {
  this.timeout(120_000);

  it('bad cells in column a never exclude the rows of an unchanged column b', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-drift-cells-'));
    try {
      const bad = ['NaN', 'Infinity', '', '-inf'];
      const baseline = join(dir, 'baseline.csv');
      const current = join(dir, 'current.csv');
      await writeFile(baseline, `a,b\n${Array.from({ length: 200 }, (_, i) => `${i % 10},${i % 13}`).join('\n')}\n`);
      await writeFile(current, `a,b\n${Array.from({ length: 200 }, (_, i) => `${i % 10 < 4 ? bad[i % 4] : i % 10},${i % 13}`).join('\n')}\n`);
      const run = drift(['--baseline', baseline, '--current', current, '--json']);
      assert.equal(run.status, 0, run.stderr);
      const { features } = JSON.parse(run.stdout) as { features: { name: string; drifted: boolean; ks_statistic?: number | null; psi: number | null }[] };
      const b = features.find((feature) => feature.name === 'b');
      assert.equal(b?.drifted, false);
      assert.equal(b?.psi, 0);
      assert.match(run.stderr, /feature "a": 80 of 200 values in .*current\.csv excluded/);
      assert.doesNotMatch(run.stderr, /feature "b"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
