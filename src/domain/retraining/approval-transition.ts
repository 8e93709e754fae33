// The approval rule every model registry applies: a decision is final, so only a pending version
// may be approved or rejected. Kept here so the local and SageMaker registries cannot drift apart.
import type { ApprovalStatus, RegisteredVersion } from './registered-version.js';
import { NonRetryableError } from '../errors.js';

const allowedTransitions: Record<ApprovalStatus, readonly ApprovalStatus[]> = {
  PendingManualApproval: ['Approved', 'Rejected'],
  Approved: [],
  Rejected: [],
};

/**
 * Whether setting `status` on a version changes it: 'unchanged' when it already has that status
 * (an activity retry, a second click), 'changes' when the rule allows it; throws otherwise.
 */
export function approvalTransition(
  model: string,
  version: string,
  current: Pick<RegisteredVersion, 'status' | 'decidedBy'>,
  status: ApprovalStatus,
): 'unchanged' | 'changes' {
  if (current.status === status) return 'unchanged';
  if (!allowedTransitions[current.status].includes(status)) {
    const by = current.decidedBy === undefined ? '' : ` by ${current.decidedBy}`;
    throw new NonRetryableError(
      `model ${model} version ${version} is ${current.status}${by}; it cannot become ${status} (only a pending version can be approved or rejected)`,
      'INVALID_TRANSITION',
    );
  }
  return 'changes';
}
