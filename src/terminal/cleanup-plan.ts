// A cleanup plan as a person reads it: one row per version, kept or deleted, with the rule, and
// what an apply deleted (or left, and why).
import type { CleanupOutcome, CleanupPlan } from '../domain/cleanup/retention-plan.js';
import { renderTable } from './table.js';

export function cleanupPlanText(plan: CleanupPlan, applied: readonly CleanupOutcome[] | undefined): string {
  const outcomes = new Map((applied ?? []).map((outcome) => [outcome.version, outcome]));
  const rows = plan.items.map((item) => {
    const outcome = outcomes.get(item.version);
    const done = item.action === 'keep' ? '' : outcome === undefined ? (applied === undefined ? 'to delete' : '') : outcome.skipped !== undefined ? `left: ${outcome.skipped}` : 'deleted';
    return [item.version, item.createdAt.slice(0, 10), item.action, item.reason, done];
  });
  const deletions = plan.items.filter((item) => item.action === 'delete').length;
  const head = `cleanup plan ${plan.id} for ${plan.model} (${plan.plannedAt}): keep the newest ${plan.policy.keepVersions}, nothing younger than ${Math.round(plan.policy.minAgeMs / 86_400_000)} days`;
  const tail =
    deletions === 0
      ? 'nothing to delete'
      : applied === undefined
        ? `${deletions} version${deletions === 1 ? '' : 's'} to delete: vigil cleanup apply -m ${plan.model} deletes them`
        : `${applied.filter((outcome) => outcome.skipped === undefined).length} of ${deletions} deleted`;
  const lifecycle = plan.lifecycle.map((rule) => `  ${rule.id} on s3://${rule.bucket}/${rule.prefix}: ${rule.why}`);
  return [
    head,
    renderTable(['version', 'made', 'action', 'why', applied === undefined ? '' : 'done'], rows),
    tail,
    ...(lifecycle.length === 0 ? [] : [applied === undefined ? 'storage lifecycle rules an apply keeps in place:' : 'storage lifecycle rules in place:', ...lifecycle]),
    ...workgroupLines(plan),
  ].join('\n');
}

function workgroupLines(plan: CleanupPlan): string[] {
  const findings = plan.workgroup ?? [];
  if (findings.length === 0) return [];
  const off = findings.filter((finding) => !finding.ok).length;
  return [
    `Athena workgroup: ${off === 0 ? 'every setting as it should be' : `${off} setting${off === 1 ? '' : 's'} to change`}`,
    ...findings.map((finding) => `  ${finding.ok ? 'ok  ' : 'fix '} ${finding.setting}: ${finding.detail}`),
  ];
}
