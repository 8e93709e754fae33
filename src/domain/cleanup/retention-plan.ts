// Which of a model's versions the cleanup keeps and which it deletes, each with the rule that
// decided: a plan is read before anything is removed. What serves, what a rollback would return to,
// what waits for (or has) approval and is not yet deployed, and what is young are never deleted;
// of the rest, the newest `keepVersions` are kept. Pure: the facts come in, the plan goes out.
import type { RegisteredVersion } from '../retraining/registered-version.js';
import { dayMs } from '../time.js';
import type { StorageRule } from './lifecycle.js';
import type { WorkgroupFinding } from './workgroup-check.js';

export interface RetentionPolicy {
  /** Versions kept beyond those a rule protects: the newest N. */
  keepVersions: number;
  /** Nothing younger than this is deleted (milliseconds). */
  minAgeMs: number;
}

export interface CleanupFacts {
  model: string;
  /** ISO-8601: when the plan is made. */
  now: string;
  policy: RetentionPolicy;
  /** Versions deployable on the host (SageMaker Models, the local server's artifacts). */
  hostVersions: readonly { version: string; createdAt: string }[];
  /** Versions in the registry (packages are kept: they are the audit trail). */
  registered: readonly RegisteredVersion[];
  /** What each of the model's endpoints serves now (or is switching to). */
  endpoints: readonly { name: string; role: 'production' | 'staging'; versions: readonly string[] }[];
  /** The production version before the current one: what a rollback returns to. */
  rollbackTarget?: string;
  /** Versions an earlier cleanup deleted (their registry entries stay, as the audit trail). */
  retired?: readonly string[];
}

export type CleanupRule = 'retired' | 'serving' | 'rollback-target' | 'pending-approval' | 'approved-not-deployed' | 'younger-than-min-age' | 'newest' | 'beyond-newest';

export interface CleanupItem {
  version: string;
  action: 'keep' | 'delete';
  rule: CleanupRule;
  reason: string;
  /** On the host: deleting removes its model and the endpoint configs no endpoint uses. */
  onHost: boolean;
  /** The registered artifact, deleted with the version (the registry entry stays). */
  artifactUri?: string;
  /** ISO-8601: when it was made (registered, or created on the host). */
  createdAt: string;
}

function days(ms: number): string {
  const count = Math.round(ms / dayMs);
  return `${count} day${count === 1 ? '' : 's'}`;
}

/** Every version the host or the registry knows, oldest first, each kept or deleted with its rule. */
export function planRetention(facts: CleanupFacts): CleanupItem[] {
  const { policy } = facts;
  if (!Number.isInteger(policy.keepVersions) || policy.keepVersions < 1) throw new RangeError(`keepVersions must be a whole number >= 1, not ${policy.keepVersions}`);
  const now = Date.parse(facts.now);
  const registered = new Map(facts.registered.map((entry) => [entry.version, entry]));
  const onHost = new Map(facts.hostVersions.map((entry) => [entry.version, entry.createdAt]));
  const serving = new Map<string, string[]>();
  for (const endpoint of facts.endpoints) {
    for (const version of endpoint.versions) serving.set(version, [...(serving.get(version) ?? []), endpoint.name]);
  }
  // The newest registration production serves: approved versions registered after it are still to
  // deploy (a candidate on staging is not deployed; it may have failed its smoke test).
  const production = facts.endpoints.filter((endpoint) => endpoint.role === 'production').flatMap((endpoint) => endpoint.versions);
  const servedRegistrations = production.map((version) => registered.get(version)?.registeredAt).filter((at): at is string => at !== undefined);
  const newestServed = servedRegistrations.length === 0 ? undefined : servedRegistrations.reduce((a, b) => (a > b ? a : b));

  const versions = [...new Set([...onHost.keys(), ...registered.keys()])].map((version) => ({
    version,
    createdAt: registered.get(version)?.registeredAt ?? onHost.get(version) ?? facts.now,
  }));
  // Oldest first; the same instant is ordered by name, so the plan never depends on listing order.
  versions.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const newest = new Set(versions.slice(-policy.keepVersions).map((entry) => entry.version));
  const retired = new Set(facts.retired ?? []);

  return versions.map(({ version, createdAt }): CleanupItem => {
    const entry = registered.get(version);
    const base = { version, onHost: onHost.has(version), createdAt, ...(entry?.artifactUri === undefined || entry.artifactUri === '' ? {} : { artifactUri: entry.artifactUri }) };
    const keep = (rule: CleanupRule, reason: string): CleanupItem => ({ ...base, action: 'keep', rule, reason });
    if (retired.has(version) && !onHost.has(version)) return keep('retired', 'deleted by an earlier cleanup; its registry entry stays');
    const endpoints = serving.get(version);
    if (endpoints !== undefined) return keep('serving', `serves ${endpoints.map((name) => `"${name}"`).join(', ')}`);
    if (version === facts.rollbackTarget) return keep('rollback-target', 'the previous production version: what a rollback returns to');
    if (entry?.status === 'PendingManualApproval') return keep('pending-approval', 'a candidate waiting for approval');
    if (entry?.status === 'Approved' && (newestServed === undefined || entry.registeredAt > newestServed)) {
      return keep('approved-not-deployed', 'approved and newer than what serves: not deployed yet');
    }
    const age = now - Date.parse(createdAt);
    if (age < policy.minAgeMs) return keep('younger-than-min-age', `${days(age)} old, younger than the minimum age of ${days(policy.minAgeMs)}`);
    if (newest.has(version)) return keep('newest', `among the newest ${policy.keepVersions}`);
    return { ...base, action: 'delete', rule: 'beyond-newest', reason: `older than the newest ${policy.keepVersions}, serves nothing, no rollback target, not waiting for a deploy` };
  });
}

/** A model's plan: what is kept and deleted and why, named by its content. */
export interface CleanupPlan {
  /** The same facts give the same id: a retried or repeated apply of one plan is recognised. */
  id: string;
  model: string;
  plannedAt: string;
  policy: RetentionPolicy;
  items: CleanupItem[];
  /** The storage lifecycle rules an apply keeps in place (aws mode; none locally). */
  lifecycle: StorageRule[];
  /** The warehouse workgroup's settings as checked when planned (aws mode; absent locally and in older plans). */
  workgroup?: WorkgroupFinding[];
}

/** What applying one deletion did. */
export interface CleanupOutcome {
  version: string;
  /** Deleted resources (host model version, artifact), or why nothing was. */
  deleted: string[];
  skipped?: string;
}
