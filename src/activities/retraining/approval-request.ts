// The human approval of a candidate on every approval channel: the request, then its outcome.
import type { ApprovalOutcome, ApprovalRequest } from '../../ports/approval-channel.js';
import { isRetryAttempt } from '../shared/activity-context.js';
import { DeliveryLedger } from '../shared/delivery-ledger.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { runLink } from '../shared/run-events.js';

export function createApprovalActivities(deps: ActivityDeps) {
  return {
    /**
     * Posts the request once on every approval channel and returns their message references. A
     * retry (a channel failed, the worker died) updates the messages already posted instead of
     * posting new ones with live buttons.
     */
    async requestApproval({ request }: { request: ApprovalRequest }): Promise<{ refs: Record<string, string> }> {
      const withLink = { ...request, runUrl: runLink(deps, request.workflowId, request.runId) };
      const ledger = new DeliveryLedger(`${request.workflowId}/${request.runId}/${request.requestId}`);
      const refs: Record<string, string> = {};
      const failures: string[] = [];
      for (const channel of deps.approvals) {
        const previous = ledger.get(channel.channel);
        try {
          const { messageRef } = await channel.requestApproval(withLink, previous === '' ? undefined : previous, { mayRepeat: isRetryAttempt() });
          if (messageRef !== undefined) refs[channel.channel] = messageRef;
          ledger.record(channel.channel, messageRef);
        } catch (error) {
          failures.push(`${channel.channel}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(`approval request ${request.requestId} could not be posted: ${failures.join('; ')}`);
      return { refs };
    },

    async recordApprovalOutcome({ request, refs, outcome }: { request: ApprovalRequest; refs: Record<string, string>; outcome: ApprovalOutcome }): Promise<void> {
      for (const channel of deps.approvals) await channel.recordOutcome(request, refs[channel.channel], outcome);
    },
  };
}
