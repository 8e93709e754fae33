import type { WebClient } from '@slack/web-api';
import type { ApprovalChannel, ApprovalOutcome, ApprovalRequest } from '../../ports/approval-channel.js';
import type { DeliveryOptions } from '../../ports/notifier.js';
import { approvalFallbackText, approvalRequestBlocks, outcomeBlock, outcomeLine, withOutcome } from './approval-blocks.js';
import { formatMessageRef, parseMessageRef } from './message-ref.js';
import { findOrWarn, PostedMessages } from './posted-message.js';
import { slackClient, type SlackConnection } from './slack-client.js';

export type SlackApprovalChannelOptions = SlackConnection;

const approvalEventType = 'vigil_approval_request';

/**
 * Asks for approval with a chat.postMessage carrying Approve / Reject buttons (each button's value
 * names the waiting run, request and version), once per request: a retry edits the message it
 * already posted. It records the outcome by editing that message with chat.update:
 * the buttons give way to who decided and when, so a decided request cannot be clicked again.
 */
export class SlackApprovalChannel implements ApprovalChannel {
  readonly channel = 'slack';
  private readonly client: WebClient;
  private readonly posted: PostedMessages;

  constructor(private readonly options: SlackApprovalChannelOptions) {
    this.client = slackClient(options);
    this.posted = new PostedMessages(this.client, options.channel);
  }

  async requestApproval(request: ApprovalRequest, previousRef?: string, options: DeliveryOptions = {}): Promise<{ messageRef?: string }> {
    const text = approvalFallbackText(request);
    const blocks = approvalRequestBlocks(request);
    // A retried request looks for the message its earlier attempt may have posted (see PostedMessages).
    const found =
      previousRef === undefined && options.mayRepeat === true
        ? await findOrWarn(this.posted, approvalEventType, (payload) => payload['request_id'] === request.requestId && payload['run_id'] === request.runId)
        : undefined;
    const previous = parseMessageRef(previousRef ?? found);
    if (previous !== undefined) {
      // A retried request: the message is already there; bring it up to date, never post twice.
      await this.client.chat.update({ channel: previous.channel, ts: previous.ts, text, blocks });
      return { messageRef: previousRef ?? found };
    }
    const posted = await this.client.chat.postMessage({
      channel: this.options.channel,
      text,
      blocks,
      // Lets anyone reading the channel's history through the API find a request's message.
      metadata: {
        event_type: approvalEventType,
        event_payload: { workflow_id: request.workflowId, run_id: request.runId, request_id: request.requestId, version: request.candidateVersion },
      },
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
