// A failed command's one line: the cause chain of a workflow failure down to its root message.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { debugRequested, errorLine } from '../../src/terminal/error-line.js';

describe('errorLine', () => {
  it('walks a WorkflowFailedError through its ActivityFailure to the ApplicationFailure message', () => {
    const root = ApplicationFailure.create({ message: 'source "demand" has no column "price"', type: 'MissingColumn', nonRetryable: true });
    const activity = new ActivityFailure('Activity task failed', 'analyzeAndRecordWindow', '3', RetryState.NON_RETRYABLE_FAILURE, undefined, root);
    const failed = new WorkflowFailedError('Workflow execution failed', activity, RetryState.NON_RETRYABLE_FAILURE);
    const line = errorLine(failed);
    assert.equal(line, 'source "demand" has no column "price"');
    assert.doesNotMatch(line, /\n|\s+at /);
  });

  it('keeps the messages of a plain cause chain, outermost first', () => {
    assert.equal(errorLine(new Error('cannot start', { cause: new Error('port 7233 in use') })), 'cannot start: port 7233 in use');
    assert.equal(errorLine('plain'), 'plain');
  });

  it('prints stacks only on --debug or VIGIL_DEBUG=1', () => {
    assert.equal(debugRequested(['node', 'vigil', 'drift', '--debug'], {}), true);
    assert.equal(debugRequested(['node', 'vigil', 'drift'], { VIGIL_DEBUG: '1' }), true);
    assert.equal(debugRequested(['node', 'vigil', 'drift'], {}), false);
  });
});
