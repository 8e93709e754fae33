// Least privilege, proven from the code: every AWS SDK call in src is granted by the permissions
// table the stacks build their policies from — the worker's calls by the worker role alone — and
// every grant names calls the code makes, or says which service acts for the caller.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { actionsOf, grants } from '../../infra/permissions.js';
import { permissionsMarkdown, permissionsMarkers } from '../../infra/permissions-table.js';
import { importClosure, sdkCallsIn, type SdkCall } from './sdk-calls.js';

describe('the permissions table against the code', () => {
  let calls: SdkCall[];
  let worker: Set<string>;

  before(async () => {
    calls = await sdkCallsIn('src');
    worker = await importClosure('src/worker/run-worker.ts');
  });

  it('finds the SDK calls of every AWS adapter', () => {
    const services = new Set(calls.map(({ call }) => call.split('.')[0]));
    for (const service of ['Athena', 'S3', 'SageMaker', 'SageMakerRuntime', 'CloudWatch', 'SNS', 'CostExplorer']) assert.ok(services.has(service), service);
    assert.ok(calls.length >= 50, `${calls.length} calls`);
  });

  it('grants each call the worker makes to the worker, and each other call to the operator or the worker', () => {
    const missing: string[] = [];
    for (const { call, file } of calls) {
      const who = worker.has(file) ? ['worker'] : ['worker', 'operator'];
      const granted = new Set(grants.filter((grant) => who.includes(grant.who)).flatMap((grant) => grant.actions));
      for (const action of actionsOf(call)) if (!granted.has(action)) missing.push(`${call} (${file}, ${who.join(' or ')}) needs ${action}`);
    }
    assert.deepEqual(missing, []);
  });

  it('names in each grant only calls the code makes, and its actions are those calls’ (or why a service needs them)', () => {
    const made = new Set(calls.map(({ call }) => call));
    const unused = grants.flatMap((grant) => grant.calls.filter((call) => !made.has(call)).map((call) => `${grant.sid}: ${call}`));
    assert.deepEqual(unused, [], 'grants naming calls no code makes');
    for (const grant of grants) {
      if (grant.calls.length === 0) {
        assert.ok(grant.why.length > 20, `${grant.sid} grants actions no SDK call names: its why must say which service acts for the caller`);
        continue;
      }
      const needed = new Set(grant.calls.flatMap(actionsOf));
      const extra = grant.actions.filter((action) => !needed.has(action));
      // Extra actions are what a service itself checks for the calls: Athena's output (multipart
      // uploads, bucket location), SageMaker's AddTags and CloudWatch's TagResource for the Tags a
      // Create or PutMetricAlarm call carries.
      const allowedExtra = new Set(['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads', 'sagemaker:AddTags', 'cloudwatch:TagResource']);
      assert.deepEqual(extra.filter((action) => !allowedExtra.has(action)), [], `${grant.sid} grants actions its calls do not need`);
    }
  });

  it('grants no wildcard action and no service-wide action', () => {
    for (const grant of grants) for (const action of grant.actions) assert.match(action, /^[a-z0-9-]+:[A-Za-z0-9]+$/, `${grant.sid}: ${action}`);
  });

  it('worker calls every grant names come from the worker (no operator verb in the worker role)', () => {
    const workerCalls = new Set(calls.filter(({ file }) => worker.has(file)).map(({ call }) => call));
    for (const grant of grants.filter((entry) => entry.who === 'worker')) {
      for (const call of grant.calls) assert.ok(workerCalls.has(call), `${grant.sid} grants the worker ${call}, which only an operator's command makes`);
    }
  });
});

describe("README's permissions table", () => {
  it('is the one the permissions table generates (npm run docs:permissions)', async () => {
    const readme = await readFile('README.md', 'utf8');
    const start = readme.indexOf(permissionsMarkers.start);
    const end = readme.indexOf(permissionsMarkers.end);
    assert.ok(start >= 0 && end > start, 'README.md has the permissions markers');
    assert.equal(readme.slice(start, end + permissionsMarkers.end.length), permissionsMarkdown());
  });
});
