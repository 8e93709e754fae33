// cfn-lint and checkov (PyPI, pinned, in virtualenvs cached like moto's) on the synthesized
// templates: no error or warning, no failed check; every skip is in the template with its reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildVigilApp } from '../../infra/build-app.js';
import { resolvePythonTool, type PythonTool } from '../support/python-tool.js';
import { quicksightContext } from '../support/quicksight-context.js';

const run = promisify(execFile);

export const cfnLintTool: PythonTool = { name: 'cfn-lint', version: '1.58.0', requirements: ['cfn-lint==1.58.0'], executable: 'cfn-lint', pathVariable: 'CFN_LINT_PATH' };
export const checkovTool: PythonTool = { name: 'checkov', version: '3.3.30', requirements: ['checkov==3.3.30'], executable: 'checkov', pathVariable: 'CHECKOV_PATH' };

interface CheckovReport {
  summary: { passed: number; failed: number; skipped: number };
  results: { failed_checks: { check_id: string; resource: string }[]; skipped_checks: { check_id: string; resource: string; check_result: { suppress_comment?: string } }[] };
}

describe('cfn-lint and checkov on the synthesized templates', function () {
  this.timeout(600_000);
  let outdir: string;
  let templates: string[];

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'vigil-cfn-'));
    buildVigilApp({ models: 'demand', account: '123456789012', region: 'eu-west-1', ...quicksightContext }, { outdir }).app.synth({ force: true });
    templates = (await readdir(outdir)).filter((file) => file.endsWith('.template.json')).map((file) => join(outdir, file));
    assert.equal(templates.length, 4, 'data, access, audit, dashboards');
  });

  after(() => rm(outdir, { recursive: true, force: true }));

  it('cfn-lint finds nothing', async () => {
    const { path } = await resolvePythonTool(cfnLintTool, { onProgress: (line) => console.log(line) });
    const result = await run(path, ['--format', 'parseable', ...templates]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    assert.equal(result.stdout.trim(), '', result.stdout);
    assert.equal(result.code, 0);
  });

  it('checkov fails no check, and each skip carries its reason', async () => {
    const { path } = await resolvePythonTool(checkovTool, { onProgress: (line) => console.log(line) });
    // --skip-download: no call to Prisma Cloud for guidelines (there is no network here, nor should CI need one).
    const { stdout } = await run(path, ['-d', outdir, '--framework', 'cloudformation', '--output', 'json', '--skip-download', '--soft-fail'], { maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as CheckovReport;
    assert.deepEqual(report.results.failed_checks.map((check) => `${check.check_id} ${check.resource}`), []);
    assert.ok(report.summary.passed >= 90, `${report.summary.passed} passed`);
    for (const skipped of report.results.skipped_checks) assert.ok((skipped.check_result.suppress_comment ?? '').length > 10, `${skipped.check_id} on ${skipped.resource} skipped without a reason`);
  });
});
