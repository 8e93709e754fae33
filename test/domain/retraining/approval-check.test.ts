import assert from 'node:assert/strict';
import {
  approvalRefusal,
  refusalFailureType,
  refusalKindOfFailureType,
  type ApprovalState,
  type DecisionInput,
} from '../../../src/domain/retraining/approval-check.js';

const state: ApprovalState = {
  model: 'demand',
  workflowId: 'vigil-retrain-demand',
  runId: 'run-2',
  stage: 'awaiting-approval',
  pending: {
    requestId: 'v3-aaaa1111',
    candidateVersion: 'v3',
    deadline: '2026-10-28T06:00:00.000Z',
    approvers: [
      { channel: 'slack', id: 'U0APPROVER' },
      { channel: 'cli', id: 'alice' },
    ],
  },
};

const decision: DecisionInput = {
  decision: 'approve',
  by: 'U0APPROVER',
  via: 'slack',
  workflowId: 'vigil-retrain-demand',
  runId: 'run-2',
  candidateVersion: 'v3',
  requestId: 'v3-aaaa1111',
};

describe('approval check: a decision applies only to what its approver saw', () => {
  it('accepts the decision that names the pending request, by an approver on its channel', () => {
    assert.equal(approvalRefusal(state, decision), undefined);
    assert.equal(approvalRefusal(state, { ...decision, by: 'alice', via: 'cli', decision: 'reject' }), undefined);
  });

  it('refuses a stale version and says what is pending instead', () => {
    assert.deepEqual(approvalRefusal(state, { ...decision, candidateVersion: 'v2' }), {
      kind: 'superseded',
      reason: 'v2 is no longer pending; v3 is (request v3-aaaa1111)',
    });
  });

  it('refuses another request of the same version, and another run', () => {
    assert.equal(approvalRefusal(state, { ...decision, requestId: 'v3-bbbb2222' })?.kind, 'superseded');
    assert.match(approvalRefusal(state, { ...decision, runId: 'run-1' })?.reason ?? '', /run run-1, not the current run run-2; v3 is/);
  });

  it('binds identities to their channel and never lists the approvers', () => {
    const typed = approvalRefusal(state, { ...decision, via: 'cli' });
    assert.deepEqual(typed, { kind: 'identity', reason: 'U0APPROVER is not an approver of demand on cli' });
    const outsider = approvalRefusal(state, { ...decision, by: 'U0MALLORY' });
    assert.equal(outsider?.kind, 'identity');
    assert.doesNotMatch(outsider?.reason ?? '', /alice|U0APPROVER/);
  });

  it('refuses a decision that does not name what it decides', () => {
    const legacy = approvalRefusal(state, { decision: 'approve', by: 'alice' });
    assert.deepEqual(legacy, { kind: 'malformed', reason: 'the decision must name workflowId, runId, candidateVersion, requestId (what the approver saw)' });
    assert.equal(approvalRefusal(state, { ...decision, via: 'email' as never })?.kind, 'malformed');
    assert.equal(approvalRefusal(state, { ...decision, decision: 'maybe' as never })?.kind, 'malformed');
    assert.equal(approvalRefusal(state, { ...decision, workflowId: 'vigil-retrain-other' })?.kind, 'malformed');
  });

  it('refuses once decided or before anything is asked, naming who decided', () => {
    const decided: ApprovalState = { ...state, pending: undefined, decided: { decision: 'reject', by: 'alice', candidateVersion: 'v3' } };
    assert.deepEqual(approvalRefusal(decided, decision), { kind: 'superseded', reason: 'demand v3 was already rejected by alice; nothing is pending' });
    const expired: ApprovalState = { ...state, pending: undefined, decided: { decision: 'expired', candidateVersion: 'v3' } };
    assert.match(approvalRefusal(expired, decision)?.reason ?? '', /approval of demand v3 expired/);
    const training: ApprovalState = { ...state, pending: undefined, stage: 'training' };
    assert.equal(approvalRefusal(training, decision)?.reason, 'no approval is pending for demand (the run is training)');
  });

  it('carries the refusal kind through the failure type', () => {
    for (const kind of ['malformed', 'superseded', 'identity'] as const) assert.equal(refusalKindOfFailureType(refusalFailureType(kind)), kind);
    assert.equal(refusalKindOfFailureType('SomethingElse'), undefined);
    assert.equal(refusalKindOfFailureType(undefined), undefined);
  });
});
