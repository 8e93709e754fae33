import type { WebClient } from '@slack/web-api';
import type { ApprovalChannel, ApprovalOutcome, ApprovalRequest } from '../../ports/approval-channel.js';
import { approvalFallbackText, approvalRequestBlocks, outcomeBlock, outcomeLine, withOutcome } from './approval-blocks.js';
import { formatMessageRef, parseMessageRef } from './message-ref.js';
import { slackClient, type SlackConnection } from './slack-client.js';

export type SlackApprovalChannelOptions = SlackConnection;

/**
 * Asks for approval with a chat.postMessage carrying Approve / Reject buttons (each button's value
 * names the waiting workflow), and records the outcome by editing that message with chat.update:
 * the buttons give way to who decided and when, so a decided request cannot be clicked again.
 */
export class SlackApprovalChannel implements ApprovalChannel {
  readonly channel = 'slack';
  private readonly client: WebClient;

  constructor(private readonly options: SlackApprovalChannelOptions) {
    this.client = slackClient(options);
  }

  async requestApproval(request: ApprovalRequest): Promise<{ messageRef?: string }> {
    const posted = await this.client.chat.postMessage({
      channel: this.options.channel,
      text: approvalFallbackText(request),
      blocks: approvalRequestBlocks(request),
    });
    if (posted.channel === undefined || posted.ts === undefined) return {};
    return { messageRef: formatMessageRef({ channel: posted.channel, ts: posted.ts }) };
  }

  async recordOutcome(request: ApprovalRequest, messageRef: string | undefined, outcome: ApprovalOutcome): Promise<void> {
    const blocks = withOutcome(approvalRequestBlocks(request), outcomeBlock(outcome));
    const text = outcomeLine(outcome, (iso) => iso);
    const ref = parseMessageRef(messageRef);
    if (ref === undefined) {
      // The request was never posted (or its reference was lost): post the outcome so the
      // channel still learns how the request ended.
      await this.client.chat.postMessage({ channel: this.options.channel, text, blocks });
      return;
    }
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks });
  }
}
