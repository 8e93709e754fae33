// Block Kit layout of an approval request (reason, champion vs challenger on the holdout window,
// gate verdict, approvers, deadline, Approve / Reject buttons) and of its outcome, which replaces
// the buttons so a decided request cannot be clicked again.
import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/web-api';
import type { ApprovalOutcome, ApprovalRequest } from '../../ports/approval-channel.js';
import { approveActionId, encodeButtonValue, rejectActionId } from './approval-actions.js';
import { escapeMrkdwn, mentionOrName, mrkdwnLink, slackDate } from './mrkdwn.js';

/** Identifies the buttons, so the outcome replaces exactly them. */
export const approvalActionsBlockId = 'vigil_approval_actions';

type Scores = ApprovalRequest['report']['candidate'];

function formatMetric(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return String(Number(value.toPrecision(4)));
}

function scoreLines(title: string, scores: Scores): string {
  return `*${title}*\nrows ${scores.rows.toLocaleString('en-US')}\nRMSE ${formatMetric(scores.rmse)}\nMAE ${formatMetric(scores.mae)}`;
}

// Slack caps section text at 3000 characters and header text at 150; cut well before.
const cut = (text: string, max = 2900): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function approvalTitle(request: ApprovalRequest): string {
  return `Approve ${request.model} ${request.candidateVersion}?`;
}

export function approvalFallbackText(request: ApprovalRequest): string {
  return cut(`${approvalTitle(request)} ${request.reason}`);
}

export function approvalRequestBlocks(request: ApprovalRequest): KnownBlock[] {
  const { report } = request;
  const champion = report.champion;
  const comparison: SectionBlock = {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: cut(`*Champion vs challenger* on the holdout window ${escapeMrkdwn(report.holdoutWindow.start)} → ${escapeMrkdwn(report.holdoutWindow.end)}`),
    },
    fields: [
      { type: 'mrkdwn', text: cut(scoreLines(`Challenger ${escapeMrkdwn(request.candidateVersion)}`, report.candidate), 1900) },
      {
        type: 'mrkdwn',
        text:
          champion === undefined
            ? '*Champion*\nnone (first version)'
            : cut(scoreLines(`Champion ${escapeMrkdwn(request.championVersion ?? '')}`.trimEnd(), champion), 1900),
      },
    ],
  };
  // Only the approvers whose click counts here: CLI names cannot decide through Slack.
  const onSlack = request.approvers.filter((approver) => approver.channel === 'slack').map((approver) => mentionOrName(approver.id));
  const approvers = onSlack.length === 0 ? 'none on Slack (use the CLI)' : onSlack.join(', ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(approvalTitle(request), 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(`*Reason*\n${escapeMrkdwn(request.reason)}`) } },
    comparison,
    { type: 'section', text: { type: 'mrkdwn', text: cut(`*Gate*\n${escapeMrkdwn(report.gate)}`) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: cut(`*Approvers*\n${approvers}`, 1900) },
        { type: 'mrkdwn', text: `*Deadline*\n${slackDate(request.deadline)}` },
      ],
    },
  ];
  if (request.runUrl !== undefined) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwnLink(request.runUrl, 'Open the run in the Temporal UI') }] });
  }
  blocks.push(approvalActions(request));
  return blocks;
}

function approvalActions(request: ApprovalRequest): ActionsBlock {
  const value = encodeButtonValue({
    workflowId: request.workflowId,
    runId: request.runId,
    requestId: request.requestId,
    model: request.model,
    version: request.candidateVersion,
  });
  return {
    type: 'actions',
    block_id: approvalActionsBlockId,
    elements: [
      {
        type: 'button',
        action_id: approveActionId,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        value,
        // A second look before a deploy goes ahead; a misclick on Reject is cheaper to undo.
        confirm: {
          title: { type: 'plain_text', text: 'Approve this deploy?' },
          text: { type: 'plain_text', text: cut(`The deploy of ${request.model} ${request.candidateVersion} goes ahead once you approve.`, 290) },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      { type: 'button', action_id: rejectActionId, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value },
    ],
  };
}

/** One line saying how the request ended: who decided and when, or that it expired. */
export function outcomeLine(outcome: ApprovalOutcome, formatDate: (iso: string) => string = slackDate): string {
  if (outcome.decision === 'expired') return `Expired at ${formatDate(outcome.at)} (no decision before the deadline)`;
  const verb = outcome.decision === 'approved' ? 'Approved' : 'Rejected';
  const reason = outcome.reason === undefined || outcome.reason === '' ? '' : ` — ${escapeMrkdwn(outcome.reason)}`;
  return cut(`${verb} by ${mentionOrName(outcome.by)} at ${formatDate(outcome.at)}${reason}`, 2000);
}

const outcomeEmoji = { approved: ':white_check_mark:', rejected: ':x:', expired: ':hourglass:' } as const;

export function outcomeBlock(outcome: ApprovalOutcome, note?: string): ContextBlock {
  const elements: ContextBlock['elements'] = [{ type: 'mrkdwn', text: `${outcomeEmoji[outcome.decision]} ${outcomeLine(outcome)}` }];
  if (note !== undefined && note !== '') elements.push({ type: 'mrkdwn', text: cut(escapeMrkdwn(note), 2000) });
  return { type: 'context', elements };
}

/** Says why a request's buttons no longer apply (a click on a stale message). */
export function supersededBlock(reason: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(`:no_entry_sign: No longer pending: ${escapeMrkdwn(reason)}`, 2000) }] };
}

/** The message's blocks with the buttons replaced by the outcome. */
export function withOutcome<Block extends { type: string; block_id?: string }>(blocks: Block[], outcome: ContextBlock): (Block | ContextBlock)[] {
  const kept = blocks.filter((block) => block.type !== 'actions' && block.block_id !== approvalActionsBlockId);
  return [...kept, outcome];
}
