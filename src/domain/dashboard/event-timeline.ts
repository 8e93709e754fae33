// The event track: retraining, approvals, deploys and rollbacks, placed on the monitoring
// timeline. Events are stamped with the wall clock; windows with the time they monitor. Live, the
// two agree; a replay (the demo, a backfill) runs weeks of windows in minutes. So an event is
// placed at the monitoring time of the last run that finished before it, plus the time since.
import { runUrl, workflowRunsUrl } from '../links/temporal-ui.js';
import type { AuditRow, DeploymentRow, RunRow } from './metric-rows.js';

export type EventKind = 'retraining' | 'approval' | 'deploy' | 'rollback' | 'cleanup';

export interface TimelineEvent {
  kind: EventKind;
  action: string;
  /** When it happened (wall clock). */
  at: string;
  /** Where it sits on the windows' axis. */
  timelineAt: string;
  actor: string;
  version: string | null;
  /** One line: what happened, with who and why where known. */
  title: string;
  workflowId: string | null;
  runId: string | null;
  url: string | null;
}

export interface TemporalUi {
  uiUrl: string;
  namespace: string;
}

/** The actions the track shows; the rest of the audit trail is one `vigil audit` away. */
export const timelineActions: Readonly<Record<string, EventKind>> = {
  'retraining.triggered': 'retraining',
  'retraining.started': 'retraining',
  'retraining.rejected': 'retraining',
  'retraining.training-failed': 'retraining',
  'retraining.gate-failed': 'retraining',
  'approval.approved': 'approval',
  'approval.rejected': 'approval',
  'approval.expired': 'approval',
  'deploy.done': 'deploy',
  'deploy.failed': 'deploy',
  'deploy.rolled-back': 'rollback',
  'rollback.done': 'rollback',
  'cleanup.deleted': 'cleanup',
};

function text(detail: Record<string, unknown>, key: string): string | null {
  const value = detail[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Maps wall-clock instants to the monitoring time of the run that was finishing then. */
export function monitoringClock(runs: readonly RunRow[]): (at: string) => string {
  const finished = runs
    .filter((run): run is RunRow & { finishedAt: string } => run.finishedAt !== null)
    .map((run) => ({ finishedAt: Date.parse(run.finishedAt), asOf: Date.parse(run.asOf) }))
    .filter((run) => Number.isFinite(run.finishedAt) && Number.isFinite(run.asOf))
    .sort((a, b) => a.finishedAt - b.finishedAt);
  return (at) => {
    const instant = Date.parse(at);
    let last: { finishedAt: number; asOf: number } | undefined;
    for (const run of finished) {
      if (run.finishedAt > instant) break;
      last = run;
    }
    return last === undefined ? at : new Date(last.asOf + (instant - last.finishedAt)).toISOString();
  };
}

function link(ui: TemporalUi, workflowId: string | null, runId: string | null): string | null {
  if (workflowId === null) return null;
  return runId === null ? workflowRunsUrl(ui.uiUrl, ui.namespace, workflowId) : runUrl(ui.uiUrl, ui.namespace, workflowId, runId);
}

function titleOf(event: AuditRow, version: string | null): string {
  const reason = text(event.detail, 'reason');
  const why = reason === null ? '' : `: ${reason}`;
  switch (event.action) {
    case 'retraining.triggered':
      return `retraining triggered${why}`;
    case 'retraining.started':
      return `retraining ${version ?? ''} started`.replace('  ', ' ');
    case 'approval.approved':
      return `${version ?? 'candidate'} approved by ${event.actor}${why}`;
    case 'approval.rejected':
      return `${version ?? 'candidate'} rejected by ${event.actor}${why}`;
    case 'approval.expired':
      return `${version ?? 'candidate'} expired without a decision`;
    case 'deploy.done':
      return `${version ?? 'a version'} deployed to production`;
    default:
      return `${event.action}${version === null ? '' : ` ${version}`}${why}`;
  }
}

export function timelineEvents(audit: readonly AuditRow[], deployments: readonly DeploymentRow[], runs: readonly RunRow[], ui: TemporalUi): TimelineEvent[] {
  const clock = monitoringClock(runs);
  const events: TimelineEvent[] = [];
  for (const event of audit) {
    const kind = timelineActions[event.action];
    if (kind === undefined) continue;
    const version = text(event.detail, 'version') ?? text(event.detail, 'candidateVersion');
    // A trigger knows the monitoring time it fired at exactly.
    const timelineAt = text(event.detail, 'nominalAt') ?? clock(event.at);
    events.push({ kind, action: event.action, at: event.at, timelineAt, actor: event.actor, version, title: titleOf(event, version), workflowId: event.workflowId, runId: event.runId, url: link(ui, event.workflowId, event.runId) });
  }
  for (const deployment of deployments) {
    if (deployment.action !== 'rollback' && deployment.status !== 'rolled-back') continue;
    events.push({
      kind: 'rollback',
      action: `deployments.${deployment.action}`,
      at: deployment.at,
      timelineAt: clock(deployment.at),
      actor: 'vigil-deploy',
      version: deployment.version,
      title: `${deployment.endpoint} rolled back to ${deployment.action === 'rollback' ? deployment.version : (deployment.previousVersion ?? 'the previous version')}`,
      workflowId: deployment.workflowId,
      runId: deployment.runId,
      url: link(ui, deployment.workflowId, deployment.runId),
    });
  }
  return events.sort((a, b) => a.timelineAt.localeCompare(b.timelineAt));
}

/** The version serving production: the last production deployment that took. */
export function servingVersion(deployments: readonly DeploymentRow[], model: string): { version: string; since: string } | null {
  const production = deployments.filter((d) => d.model === model && d.stage === 'production' && (d.status === 'deployed' || (d.action === 'rollback' && d.status !== 'rollback-failed')));
  const last = production.sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  return last === undefined ? null : { version: last.version, since: last.at };
}
