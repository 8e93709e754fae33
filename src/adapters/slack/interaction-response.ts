// What the endpoint tells the clicker after a decision, through the click's response_url: the
// message redrawn with who decided in place of the buttons, or a note only they see saying why
// the click was not applied.
import type { ApprovalOutcome } from '../../ports/approval-channel.js';
import { outcomeBlock, supersededBlock, withOutcome } from './approval-blocks.js';
import type { ApprovalClick } from './interaction-payload.js';
import { escapeMrkdwn } from './mrkdwn.js';

export function appliedResponse(click: ApprovalClick, summary: string, at: string): Record<string, unknown> {
  const { decision } = click;
  const outcome: ApprovalOutcome = {
    decision: decision.decision === 'approve' ? 'approved' : 'rejected',
    by: decision.user.id,
    at,
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
  };
  const verb = decision.decision === 'approve' ? 'Approved' : 'Rejected';
  return {
    replace_original: true,
    text: `${verb} by <@${decision.user.id}>: ${decision.model} ${decision.version}`,
    blocks: withOutcome(click.messageBlocks, outcomeBlock(outcome, summary)),
  };
}

export function refusedResponse(error: string): Record<string, unknown> {
  return { response_type: 'ephemeral', replace_original: false, text: `Not applied: ${escapeMrkdwn(error)}` };
}

/**
 * A click on a request that is no longer pending (decided, expired, another run's): the message
 * itself is redrawn without its buttons, saying what is pending now, so nobody clicks it again.
 */
export function supersededResponse(click: ApprovalClick, error: string): Record<string, unknown> {
  const { decision } = click;
  return {
    replace_original: true,
    text: `No longer pending: ${decision.model} ${decision.version} (${escapeMrkdwn(error)})`,
    blocks: withOutcome(click.messageBlocks, supersededBlock(error)),
  };
}

/** Posts to a response_url; failures are logged, never thrown (the click was already acked). */
export async function postResponse(responseUrl: string, body: Record<string, unknown>, log: (line: string) => void): Promise<void> {
  try {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) log(`slack interactions: response_url answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  } catch (error) {
    log(`slack interactions: posting to response_url failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
