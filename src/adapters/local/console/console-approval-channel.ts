// Approval requests on the console: what is asked, the champion/challenger report, and the exact
// commands that answer it. Always on, next to Slack when that is configured.
import { formatNumber } from '../../../domain/alerts/format.js';
import type { ApprovalChannel, ApprovalOutcome, ApprovalRequest } from '../../../ports/approval-channel.js';

export class ConsoleApprovalChannel implements ApprovalChannel {
  readonly channel = 'console';

  constructor(private readonly write: (text: string) => void = (text) => process.stderr.write(text)) {}

  requestApproval(request: ApprovalRequest, previousRef?: string): Promise<{ messageRef?: string }> {
    // A retried request was already printed; printing it again would only repeat it.
    if (previousRef !== undefined) return Promise.resolve({ messageRef: previousRef });
    const { report } = request;
    const metrics = (label: string, m: { rows: number; rmse: number | null; mae: number | null } | undefined): string =>
      m === undefined ? `  ${label}: none` : `  ${label}: RMSE ${formatNumber(m.rmse)}, MAE ${formatNumber(m.mae)} on ${m.rows} rows`;
    // Only CLI approvers can answer here; Slack ids decide with the buttons.
    const onCli = request.approvers.filter((approver) => approver.channel === 'cli').map((approver) => approver.id);
    const approver = onCli[0] ?? '<approver>';
    const target = `${request.workflowId} --version ${request.candidateVersion} --request ${request.requestId} --run ${request.runId}`;
    this.write(
      [
        `[approval] ${request.model}: deploy ${request.candidateVersion}${request.championVersion === undefined ? '' : ` (replacing ${request.championVersion})`}?`,
        `  why: ${request.reason}`,
        `  holdout ${report.holdoutWindow.start} .. ${report.holdoutWindow.end}`,
        metrics('candidate', report.candidate),
        metrics('champion ', report.champion),
        `  gate: ${report.gate}`,
        `  request ${request.requestId}; CLI approvers: ${onCli.join(', ') || 'none configured'}; deadline ${request.deadline}`,
        `  approve: npx vigil approve ${target} --as ${approver} --reason "..."`,
        `  reject:  npx vigil reject ${target} --as ${approver} --reason "..."`,
        '',
      ].join('\n'),
    );
    return Promise.resolve({ messageRef: request.requestId });
  }

  recordOutcome(request: ApprovalRequest, _messageRef: string | undefined, outcome: ApprovalOutcome): Promise<void> {
    const text =
      outcome.decision === 'expired'
        ? `expired at ${outcome.at} (no decision before ${request.deadline})`
        : `${outcome.decision} by ${outcome.by} at ${outcome.at}${outcome.reason === undefined || outcome.reason === '' ? '' : `: ${outcome.reason}`}`;
    this.write(`[approval] ${request.model} ${request.candidateVersion}: ${text}\n`);
    return Promise.resolve();
  }
}
