// The worker's start-up work is tried again while it fails for a reason that passes, and stops at
// once on one that does not, with each retry reported on one line.
import assert from 'node:assert/strict';
import { NonRetryableError, RetryableError } from '../../src/domain/errors.js';
import { retryingAtStartup } from '../../src/worker/startup-retry.js';

describe('retryingAtStartup', () => {
  const quick = { firstWaitMs: 1, maxWaitMs: 5 };

  it('tries again after a throttled call, reporting each retry, until the work succeeds', async () => {
    const lines: string[] = [];
    let calls = 0;
    const result = await retryingAtStartup(
      'preparing the result tables',
      () => {
        calls += 1;
        if (calls < 3) return Promise.reject(new RetryableError('GetQueryExecution ddl:x: ThrottlingException (HTTP 400): Rate exceeded', 'THROTTLED'));
        return Promise.resolve('ready');
      },
      { ...quick, report: (line) => lines.push(line) },
    );
    assert.equal(result, 'ready');
    assert.equal(calls, 3);
    assert.deepEqual(lines, [1, 2].map((n) => `vigil: preparing the result tables failed on try ${n} (GetQueryExecution ddl:x: ThrottlingException (HTTP 400): Rate exceeded); trying again`));
  });

  it('stops at once on an error that will not pass', async () => {
    let calls = 0;
    const refused = new NonRetryableError('StartQueryExecution: AccessDeniedException', 'ACCESS_DENIED');
    await assert.rejects(
      retryingAtStartup('preparing', () => {
        calls += 1;
        return Promise.reject(refused);
      }, { ...quick, report: () => undefined }),
      (error) => error === refused,
    );
    assert.equal(calls, 1);
  });

  it('gives up after its retries with the last error', async () => {
    let calls = 0;
    await assert.rejects(
      retryingAtStartup('preparing', () => {
        calls += 1;
        return Promise.reject(new RetryableError(`reset ${calls}`, 'CONNECTION'));
      }, { ...quick, retries: 2, report: () => undefined }),
      /reset 3/,
    );
    assert.equal(calls, 3);
  });
});
