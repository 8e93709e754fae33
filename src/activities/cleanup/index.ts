// The cleanup's steps: gather the facts and plan (the domain decides), then delete one version at
// a time, checking again that nothing serves it, and audit each deletion. Deleting what is already
// gone is success, so a retried or resumed apply deletes each resource once.
import { createHash } from 'node:crypto';
import { durationMs } from '../../config/duration.js';
import { canonicalJson } from '../../domain/contract/canonical-json.js';
import { planRetention, type CleanupItem, type CleanupOutcome, type CleanupPlan } from '../../domain/cleanup/retention-plan.js';
import { checkWorkgroup } from '../../domain/cleanup/workgroup-check.js';
import { NonRetryableError } from '../../domain/errors.js';
import { decodeRollbackTarget, rollbackTargetSql } from '../../domain/sql/deployment-history.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { modelOf } from '../shared/model-of.js';
import { heartbeat } from '../shared/activity-context.js';

export const cleanupActor = 'vigil-cleanup';

/** What each of the model's endpoints serves now (none for an endpoint that does not exist). */
async function servedBy(deps: ActivityDeps, model: string): Promise<{ name: string; role: 'production' | 'staging'; versions: string[] }[]> {
  const { endpoints } = modelOf(deps, model).config;
  return Promise.all(
    (['production', 'staging'] as const).map(async (role) => {
      const name = endpoints[role];
      const described = await deps.modelHost.describeEndpoint(name);
      return { name, role, versions: described?.currentVersion === undefined ? [] : [described.currentVersion] };
    }),
  );
}

/** Whether another registered version's artifact is this one, lies under it, or holds it. */
function sharedArtifact(uri: string, others: readonly string[]): boolean {
  const under = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
  return others.some((other) => under(other, uri) || under(uri, other));
}

/** The S3 keys of an artifact in the artifacts bucket (a model.tar.gz, or a folder holding model.json). */
async function artifactKeys(deps: ActivityDeps, uri: string): Promise<string[]> {
  const artifacts = deps.artifacts;
  if (artifacts === undefined || !uri.startsWith(`s3://${artifacts.bucket}/`)) return [];
  const key = uri.slice(`s3://${artifacts.bucket}/`.length);
  if (!key.endsWith('/')) return [key];
  return (await artifacts.store.list(key)).map((object) => object.key);
}

/**
 * Deletes a version's objects in the artifacts bucket: its registered artifact and the folders that
 * are its own (pipeline outputs and inputs), never an object another registered version points at.
 */
async function deleteVersionObjects(deps: ActivityDeps, artifacts: NonNullable<ActivityDeps['artifacts']>, model: string, item: CleanupItem): Promise<string[]> {
  const others = (await deps.registry.list(model)).filter((entry) => entry.version !== item.version && entry.artifactUri !== '').map((entry) => entry.artifactUri);
  const root = `s3://${artifacts.bucket}/`;
  const keys = new Set<string>();
  if (item.artifactUri !== undefined && !sharedArtifact(item.artifactUri, others)) for (const key of await artifactKeys(deps, item.artifactUri)) keys.add(key);
  for (const folder of artifacts.versionFolders?.(model, item.version) ?? []) {
    if (sharedArtifact(`${root}${folder}`, others)) continue;
    for (const object of await artifacts.store.list(folder)) keys.add(object.key);
  }
  const deleted: string[] = [];
  for (const key of [...keys].sort()) {
    heartbeat({ version: item.version, step: 'artifact', key });
    await artifacts.store.delete(key);
    deleted.push(`${root}${key}`);
  }
  return deleted;
}

export function createCleanupActivities(deps: ActivityDeps) {
  const now = clockOf(deps);

  return {
    async planCleanup({ model }: { model: string }): Promise<CleanupPlan> {
      return classified(`plan the cleanup of ${model}`, async () => {
        const { config } = modelOf(deps, model);
        const policy = { keepVersions: config.retention.keepVersions, minAgeMs: durationMs(config.retention.minAge) };
        const built = rollbackTargetSql(model, dialectFor(deps.warehouse.dialect));
        const [hostVersions, registered, endpoints, rollbackRows, events] = await Promise.all([
          deps.modelHost.listModelVersions(model),
          deps.registry.list(model),
          servedBy(deps, model),
          deps.warehouse.query(built.sql, { label: built.label }),
          deps.audit.list({ model }),
        ]);
        const retired = events.filter((event) => event.actor === cleanupActor && event.action === 'cleanup.deleted').map((event) => String(event.detail?.['version']));
        const rollbackTarget = decodeRollbackTarget(rollbackRows.rows);
        const plannedAt = now().toISOString();
        const items = planRetention({ model, now: plannedAt, policy, hostVersions, registered, endpoints, retired, ...(rollbackTarget === undefined ? {} : { rollbackTarget }) });
        const digest = createHash('sha256').update(canonicalJson({ model, policy, items: items.map(({ version, action, rule }) => ({ version, action, rule })) })).digest('hex');
        const checked = deps.warehouseSettings;
        const workgroup = checked === undefined ? undefined : checkWorkgroup(await checked.settings.describe(), { outputLocation: checked.outputLocation });
        return { id: `cleanup-${model}-${digest.slice(0, 12)}`, model, plannedAt, policy, items, lifecycle: deps.lifecycle?.rules ?? [], ...(workgroup === undefined ? {} : { workgroup }) };
      });
    },

    /** Puts Vigil's lifecycle rules in place (the buckets' other rules stay); nothing locally. */
    async applyLifecycle({ model }: { model: string }): Promise<{ rules: number }> {
      return classified(`apply the storage lifecycle (cleanup of ${model})`, async () => {
        const lifecycle = deps.lifecycle;
        if (lifecycle === undefined) return { rules: 0 };
        await lifecycle.storage.apply(lifecycle.rules);
        return { rules: lifecycle.rules.length };
      });
    },

    async applyCleanupItem(args: { model: string; planId: string; item: CleanupItem; workflowId: string; runId: string }): Promise<CleanupOutcome> {
      const { model, item } = args;
      return classified(`delete ${model} ${item.version}`, async () => {
        if (item.action !== 'delete') throw new NonRetryableError(`${model} ${item.version} is kept by the plan (${item.rule}): nothing to delete`, 'INVALID_INPUT');
        const audit = async (action: string, detail: Record<string, unknown>): Promise<void> =>
          deps.audit.record({
            // One event per run and version: a retried step writes it once, a later week's run its own.
            id: `${args.workflowId}:${args.runId}:${item.version}`,
            at: now().toISOString(),
            actor: cleanupActor,
            action,
            model,
            detail: { version: item.version, rule: item.rule, reason: item.reason, planId: args.planId, ...detail },
            workflowId: args.workflowId,
            runId: args.runId,
          });
        heartbeat({ version: item.version, step: 'check' });
        // The plan may be hours old: a version an endpoint took since is left alone.
        const serving = (await servedBy(deps, model)).filter((endpoint) => endpoint.versions.includes(item.version)).map((endpoint) => endpoint.name);
        if (serving.length > 0) {
          const skipped = `serves ${serving.map((name) => `"${name}"`).join(', ')} since the plan was made`;
          await audit('cleanup.skipped', { skipped });
          return { version: item.version, deleted: [], skipped };
        }
        const deleted: string[] = [];
        if (item.onHost) {
          heartbeat({ version: item.version, step: 'host' });
          try {
            await deps.modelHost.deleteModelVersion(model, item.version);
          } catch (error) {
            if (!(error instanceof NonRetryableError && error.code === 'IN_USE')) throw error;
            await audit('cleanup.skipped', { skipped: error.message });
            return { version: item.version, deleted: [], skipped: error.message };
          }
          deleted.push(`model version ${model}/${item.version} on the host`);
        }
        if (deps.artifacts !== undefined) deleted.push(...(await deleteVersionObjects(deps, deps.artifacts, model, item)));
        await audit('cleanup.deleted', { resources: deleted });
        return { version: item.version, deleted };
      });
    },
  };
}

export type CleanupActivities = ReturnType<typeof createCleanupActivities>;
