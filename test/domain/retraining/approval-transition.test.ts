import assert from 'node:assert/strict';
import { NonRetryableError } from '../../../src/domain/errors.js';
import { approvalTransition } from '../../../src/domain/retraining/approval-transition.js';

describe('approval transition', () => {
  it('a pending version may be approved or rejected', () => {
    assert.equal(approvalTransition('demand', 'v1', { status: 'PendingManualApproval' }, 'Approved'), 'changes');
    assert.equal(approvalTransition('demand', 'v1', { status: 'PendingManualApproval' }, 'Rejected'), 'changes');
  });

  it('the same decision again changes nothing', () => {
    assert.equal(approvalTransition('demand', 'v1', { status: 'Approved', decidedBy: 'alice' }, 'Approved'), 'unchanged');
    assert.equal(approvalTransition('demand', 'v1', { status: 'PendingManualApproval' }, 'PendingManualApproval'), 'unchanged');
  });

  it('a decision is final: another one fails without retry, naming who decided', () => {
    assert.throws(
      () => approvalTransition('demand', 'v2', { status: 'Approved', decidedBy: 'alice' }, 'Rejected'),
      (error: unknown) =>
        error instanceof NonRetryableError &&
        error.code === 'INVALID_TRANSITION' &&
        /^model demand version v2 is Approved by alice; it cannot become Rejected \(only a pending version/.test(error.message),
    );
    assert.throws(() => approvalTransition('demand', 'v3', { status: 'Rejected' }, 'PendingManualApproval'), /is Rejected; it cannot become PendingManualApproval/);
  });
});
