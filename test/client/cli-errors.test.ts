// The `vigil` program as a user runs it: one clear line for a mistake, a stack only with --debug,
// a non-zero exit for every failure, and `vigil temporal-cli` printing a path usable in $(...).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

function vigil(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const { VIGIL_DEBUG: _ignored, ...base } = process.env;
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', ...args], { encoding: 'utf8', env: { ...base, ...env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil CLI errors', function () {
  this.timeout(120_000);

  it('names the flag of a malformed --date in one line, without a stack', () => {
    const run = vigil(['monitor', 'run', '-m', 'demand', '--date', '2001-3-01']);
    assert.notEqual(run.status, 0);
    assert.equal(run.stderr.trim(), '--date "2001-3-01" is not a date (YYYY-MM-DD)');
  });

  it('prints the stack with --debug or VIGIL_DEBUG=1', () => {
    for (const run of [vigil(['monitor', 'run', '-m', 'demand', '--date', '2001-3-01', '--debug']), vigil(['monitor', 'run', '-m', 'demand', '--date', '2001-3-01'], { VIGIL_DEBUG: '1' })]) {
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /--date "2001-3-01" is not a date/);
      assert.match(run.stderr, /\n\s+at /);
    }
  });

  it('reports a missing config file in one clear line with a non-zero exit', () => {
    const run = vigil(['monitor', 'run', '-m', 'demand', '-c', 'no-such-config.yaml']);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /no-such-config\.yaml/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('temporal-cli prints only the path on stdout (its source on stderr)', () => {
    const run = vigil(['temporal-cli'], { TEMPORAL_CLI_PATH: process.execPath });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${process.execPath}\n`);
    assert.match(run.stderr, /variable/);
  });
});
