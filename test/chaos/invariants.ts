// What must hold after a chaos run, whatever the faults: each check names what it counted.
import type { Client } from '@temporalio/client';
import type { LoopOutcome } from './loop.js';
import type { SlackCall } from './slack-stand-in.js';

export interface InvariantCheck {
  name: string;
  held: boolean;
  detail: string;
}

/** Runs a query over the result tables (DuckDB in local mode, Athena's tables in aws mode). */
export type ResultReader = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

const check = (name: string, held: boolean, detail: string): InvariantCheck => ({ name, held, detail });

/** Every workflow the run started (and their children) closed as Completed. */
export async function workflowsCompleted(client: Client, taskQueue: string): Promise<InvariantCheck> {
  const byStatus = new Map<string, number>();
  const notCompleted: string[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const status = execution.status.name;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status !== 'COMPLETED') notCompleted.push(`${execution.workflowId} ${status}`);
  }
  const counts = [...byStatus].map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
  return check('every workflow completed', notCompleted.length === 0 && byStatus.size > 0, notCompleted.length === 0 ? counts : `${counts}: ${notCompleted.slice(0, 3).join('; ')}`);
}

/** The loop reached the end it must reach: the drift found, the candidate approved and deployed, the cleanup run. */
export function expectedOutcomes(outcome: LoopOutcome): InvariantCheck {
  const problems: string[] = [];
  const notOk = outcome.daily.filter((day) => day.status !== 'ok');
  if (notOk.length > 0) problems.push(`daily runs not ok: ${notOk.map((day) => `${day.day} ${day.status}`).join(', ')}`);
  if (outcome.retraining === undefined) problems.push(`no retraining triggered over ${outcome.daily.length} days`);
  else {
    if (!outcome.retraining.decision.ok) problems.push(`decision refused: ${outcome.retraining.decision.error}`);
    if (outcome.retraining.result.outcome !== 'deployed') problems.push(`retraining ${outcome.retraining.result.outcome}`);
  }
  if (outcome.retraining !== undefined && outcome.cleanup === undefined) problems.push('no cleanup');
  const summary = `${outcome.daily.length} daily runs ok, retraining ${outcome.retraining?.result.outcome ?? '-'} (${outcome.retraining?.candidate ?? '-'}), cleanup ${outcome.cleanup === undefined ? '-' : `${outcome.cleanup.applied.length} deleted`}`;
  return check('expected outcomes', problems.length === 0, problems.length === 0 ? summary : problems.join('; '));
}

/** The cleanup deleted every old version, each once. */
export function oldVersionsDeletedOnce(outcome: LoopOutcome, old: readonly string[]): InvariantCheck {
  const deleted = (outcome.cleanup?.applied ?? []).map((entry) => entry.version);
  const twice = deleted.filter((version, index) => deleted.indexOf(version) !== index);
  const missing = old.filter((version) => !deleted.includes(version));
  const held = outcome.cleanup !== undefined && twice.length === 0 && missing.length === 0;
  return check('old versions deleted once', held, held ? `${deleted.length} deleted: ${deleted.join(', ')}` : `missing ${missing.join(', ') || '-'}; twice ${twice.join(', ') || '-'}`);
}

/** Rows that must exist once per key, counted in the result tables. */
export async function rowsOnce(read: ResultReader): Promise<InvariantCheck[]> {
  const keyed: [string, string, string][] = [
    ['metric rows once per (window, metric)', 'monitoring_metrics', 'model, window_start, group_name, subject, metric'],
    ['performance rows once per (window, as-of, metric)', 'performance_history', 'model, window_start, as_of, metric'],
    ['monitoring runs once per (window, as-of)', 'monitoring_runs', 'model, window_start, as_of'],
    ['deployment records once per (deploy, stage, action)', 'deployments', 'workflow_id, stage, action, status'],
    ['audit events once', 'audit_events', 'workflow_id, action, CAST(detail AS VARCHAR)'],
  ];
  const checks: InvariantCheck[] = [];
  for (const [name, table, key] of keyed) {
    const total = Number((await read(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.['n'] ?? 0);
    const twice = await read(`SELECT ${key}, count(*) AS n FROM ${table} GROUP BY ALL HAVING count(*) > 1`);
    checks.push(check(name, twice.rows.length === 0 && total > 0, twice.rows.length === 0 ? `${total} rows` : `${twice.rows.length} keys more than once, e.g. ${JSON.stringify(twice.rows[0])}`));
  }
  return checks;
}

/** The deploy's audit trail is whole: every step it took is there. */
export async function deployAudited(read: ResultReader, deployWorkflowId: string): Promise<InvariantCheck> {
  const expected = ['deploy.creating', 'deploy.staging', 'deploy.smoke-staging', 'deploy.production', 'deploy.verify-production', 'deploy.done'];
  const { rows } = await read(`SELECT DISTINCT action FROM audit_events WHERE workflow_id = '${deployWorkflowId.replaceAll("'", "''")}'`);
  const actions = new Set(rows.map((row) => String(row['action'])));
  const missing = expected.filter((action) => !actions.has(action));
  return check('every deploy step audited', missing.length === 0, missing.length === 0 ? `${expected.length} steps` : `missing ${missing.join(', ')}`);
}

/** One Slack message per approval request, one per incident (updates edit it). */
export function slackOnce(calls: SlackCall[]): InvariantCheck[] {
  const posts = calls.filter((call) => call.method === 'chat.postMessage');
  const countBy = (eventType: string, key: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const post of posts.filter((entry) => entry.eventType === eventType)) {
      const value = JSON.stringify(post.payload?.[key] ?? null);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return counts;
  };
  const requests = countBy('vigil_approval_request', 'request_id');
  const alerts = countBy('vigil_alert', 'idempotency_key');
  const repeated = (counts: Map<string, number>): string[] => [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`);
  return [
    check('one Slack message per approval request', requests.size > 0 && repeated(requests).length === 0, repeated(requests).length === 0 ? `${requests.size} requests` : repeated(requests).join(', ')),
    check('one Slack notification per incident update', alerts.size > 0 && repeated(alerts).length === 0, repeated(alerts).length === 0 ? `${alerts.size} alerts, ${calls.filter((call) => call.method === 'chat.update').length} updates` : repeated(alerts).join(', ')),
  ];
}

/** No process the run started outlives it, and nothing listens on its ports. */
export async function noOrphans(workers: { started: number; unexited: number[] }, ports: number[], listening: (port: number) => Promise<boolean>): Promise<InvariantCheck> {
  const open: number[] = [];
  for (const port of ports) if (await listening(port)) open.push(port);
  const held = workers.unexited.length === 0 && open.length === 0;
  return check('no orphaned processes', held, held ? `${workers.started} workers started, all gone; ports closed` : `alive: ${workers.unexited.join(',') || '-'}; listening: ${open.join(',') || '-'}`);
}
