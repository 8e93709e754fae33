// The GitHub Actions workflows pass actionlint (with shellcheck on their scripts) and the Dockerfile
// passes hadolint, both with no finding; the workflows keep the conventions the release relies on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { resolveGoTool } from '../../src/dev/go-tool.js';
import { actionlintTool, hadolintTool, shellcheckTool } from '../support/ci-linters.js';
import { resolvePythonTool } from '../support/python-tool.js';

const run = promisify(execFile);
const workflowsDir = '.github/workflows';

async function findings(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return run(command, args, { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}`.trim() }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}`.trim() }),
  );
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { environment?: string; permissions?: Record<string, string>; steps: { uses?: string; run?: string }[] }>;
}

describe('CI definitions', function () {
  this.timeout(900_000);
  const log = (line: string): void => console.log(line);

  it('actionlint finds nothing in the workflows (their run: scripts checked by shellcheck)', async () => {
    const [actionlint, shellcheck] = await Promise.all([resolveGoTool(actionlintTool, { onProgress: log }), resolvePythonTool(shellcheckTool, { onProgress: log })]);
    const files = (await readdir(workflowsDir)).filter((file) => file.endsWith('.yml')).map((file) => join(workflowsDir, file));
    assert.deepEqual(files.map((file) => file.split('/').pop()).sort(), ['ci.yml', 'release.yml']);
    const result = await findings(actionlint.path, ['-shellcheck', shellcheck.path, '-oneline', ...files]);
    assert.equal(result.output, '');
    assert.equal(result.code, 0);
  });

  it('hadolint finds nothing in the Dockerfile', async () => {
    const hadolint = await resolvePythonTool(hadolintTool, { onProgress: log });
    const result = await findings(hadolint.path, ['--no-color', 'Dockerfile']);
    assert.equal(result.output, '');
    assert.equal(result.code, 0);
  });

  it('pins every action to a commit, reaches AWS by OIDC only, and puts production behind its environment', async () => {
    const workflows = await Promise.all(['ci.yml', 'release.yml'].map(async (file) => [file, parse(await readFile(join(workflowsDir, file), 'utf8')) as Workflow] as const));
    for (const [file, workflow] of workflows) {
      assert.deepEqual(workflow.permissions, { contents: 'read' }, `${file}: read-only by default`);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps) {
          if (step.uses !== undefined) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${file} ${name}: ${step.uses} is not pinned to a commit`);
          assert.doesNotMatch(step.run ?? '', /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/, `${file} ${name}: no static AWS keys`);
        }
      }
    }
    const release = workflows.find(([file]) => file === 'release.yml')?.[1];
    assert.ok(release !== undefined);
    const deploy = release.jobs['deploy'];
    assert.equal(deploy?.environment, 'production');
    assert.equal(deploy.permissions?.['id-token'], 'write');
    assert.ok(deploy.steps.some((step) => (step.run ?? '').includes('cdk deploy')));
    assert.ok(deploy.steps.some((step) => (step.run ?? '').includes('pipeline deploy') && (step.run ?? '').includes('TrainerImage=')));
    assert.ok(deploy.steps.some((step) => (step.run ?? '').includes('schedules apply')));
    const ci = workflows.find(([file]) => file === 'ci.yml')?.[1];
    assert.ok(ci?.jobs['test']?.steps.some((step) => step.run === 'bash .ci/run'), 'CI runs the README test command');
  });
});
