// `npx cdk synth` as a user runs it on a fresh clone: offline, no account, cdk.json's context.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npx cdk synth', function () {
  this.timeout(180_000);
  let outdir: string;

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'vigil-cdk-synth-'));
  });

  after(() => rm(outdir, { recursive: true, force: true }));

  it('writes the three stacks with no AWS account and no network', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'vigil-no-such-profile', AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: 'true' };
    // The CDK CLI logs to stdout when CI is set and to stderr otherwise.
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], { env });
    assert.match(stdout + stderr, /Successfully synthesized/);
    const templates = (await readdir(outdir)).filter((file) => file.endsWith('.template.json')).sort();
    assert.deepEqual(templates, ['VigilAccess.template.json', 'VigilAudit.template.json', 'VigilData.template.json']);
  });

  it('says what is wrong with a setting in one line per problem, without a stack trace', async () => {
    const failed = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir, '-c', 'models=Bad_Model'], { env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' } }).then(
      () => undefined,
      (error: unknown) => error as { stdout: string; stderr: string },
    );
    assert.ok(failed !== undefined, 'the synth failed');
    const output = failed.stdout + failed.stderr;
    assert.match(output, /the install settings have 1 problem:\n {2}- models\.0: must be lowercase letters/);
    assert.doesNotMatch(output, /\n\s+at /);
  });
});
