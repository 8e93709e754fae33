// The cleanup against the real dev server and local parts: eight versions on the model host and in
// the registry, one serving production, one the rollback target, one pending approval. The plan
// keeps exactly those and the newest N; an apply deletes the rest once, audited, and a second apply
// (a retry, the next week) deletes nothing more.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { artifactPathFor } from '../../src/adapters/local/model-host/local-model-host.js';
import type { CleanupResult, cleanupWorkflow } from '../../src/workflows/cleanup/cleanup.js';
import { cleanupWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { maybeRecordHistory } from '../support/histories.js';
import { useMonitoringRig, type Lane, type MonitoringRig } from '../support/monitoring-rig.js';

const day = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

describe('cleanup workflow', function () {
  this.timeout(300_000);
  let rig: MonitoringRig;
  useMonitoringRig({}, (started) => {
    rig = started;
  });

  /** v2..v8 beside the rig's v1: each an artifact of its own on the host and a registry entry. */
  async function eightVersions(lane: Lane): Promise<void> {
    const v1 = JSON.parse(await readFile(artifactPathFor(rig.dir, 'demand', 'v1'), 'utf8')) as Record<string, unknown>;
    for (let n = 1; n <= 8; n += 1) {
      const version = `v${n}`;
      const artifactUri = artifactPathFor(rig.dir, 'demand', version);
      if (n > 1) await writeFile(artifactUri, JSON.stringify({ ...v1, version }));
      await lane.deps.modelHost.createModelVersion({ model: 'demand', version, artifactUri }, { 'vigil:model': 'demand' });
      const status = n === 8 ? 'PendingManualApproval' : n === 3 ? 'Rejected' : 'Approved';
      await lane.deps.registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'test', workflowId: `wf-${version}` }, registeredAt: day(n * 5) });
      if (status !== 'PendingManualApproval') await lane.deps.registry.setStatus('demand', version, status, 'alice', 'test');
    }
    await lane.deps.modelHost.pointEndpoint('demand-production', { model: 'demand', version: 'v6', artifactUri: artifactPathFor(rig.dir, 'demand', 'v6') }, { 'vigil:model': 'demand' });
    await lane.deps.warehouse.replaceRows('deployments', { id: 'cleanup-test-deploy' }, [
      {
        id: 'cleanup-test-deploy',
        at: day(31),
        model_version: 'v6',
        endpoint: 'demand-production',
        stage: 'production',
        action: 'promote',
        status: 'deployed',
        previous_version: 'v5',
        workflow_id: 'wf-deploy-v6',
        run_id: 'run-1',
        detail: null,
        model: 'demand',
      },
    ]);
  }

  const cleanup = (lane: Lane, apply: boolean): Promise<CleanupResult> =>
    lane.client.workflow.execute<typeof cleanupWorkflow>('cleanupWorkflow', {
      taskQueue: lane.taskQueue,
      workflowId: cleanupWorkflowId('demand'),
      args: [{ model: 'demand', apply }],
    });

  it('plans to keep what serves, the rollback target, the pending candidate and the newest N, and deletes the rest once', async () => {
    const keepTwo = { configure: (loaded: Lane['loaded']) => void (loaded.config.models[0]!.retention.keepVersions = 2) };
    await rig.withVariant(keepTwo, async (lane) => {
      await eightVersions(lane);
      const planned = await cleanup(lane, false);
      assert.deepEqual(
        planned.plan.items.map((item) => `${item.version} ${item.action} ${item.rule}`),
        [
          'v1 delete beyond-newest',
          'v2 delete beyond-newest',
          'v3 delete beyond-newest',
          'v4 delete beyond-newest',
          'v5 keep rollback-target',
          'v6 keep serving',
          'v7 keep approved-not-deployed',
          'v8 keep pending-approval',
        ],
      );
      assert.deepEqual(planned.applied, []);
      assert.equal((await lane.deps.modelHost.listModelVersions('demand')).length, 8, 'a plan deletes nothing');

      const applied = await cleanup(lane, true);
      await maybeRecordHistory(rig.client, cleanupWorkflowId('demand'), 'cleanup-applied');
      assert.equal(applied.plan.id, planned.plan.id, 'the same facts make the same plan');
      assert.deepEqual(
        applied.applied.map((outcome) => [outcome.version, outcome.skipped]),
        [
          ['v1', undefined],
          ['v2', undefined],
          ['v3', undefined],
          ['v4', undefined],
        ],
      );
      assert.deepEqual(
        (await lane.deps.modelHost.listModelVersions('demand')).map((entry) => entry.version).sort(),
        ['v5', 'v6', 'v7', 'v8'],
      );
      // The registry keeps every version: its entries are the audit trail.
      assert.equal((await lane.deps.registry.list('demand')).length, 8);

      const again = await cleanup(lane, true);
      assert.deepEqual(again.applied, [], 'nothing is deleted twice');
      assert.deepEqual(
        again.plan.items.filter((item) => item.rule === 'retired').map((item) => item.version),
        ['v1', 'v2', 'v3', 'v4'],
      );
      const events = (await lane.deps.audit.list({ model: 'demand' })).filter((event) => event.action.startsWith('cleanup.'));
      const deletedVersions = events.filter((event) => event.action === 'cleanup.deleted').map((event) => event.detail?.['version']);
      assert.deepEqual([...new Set(deletedVersions)].sort(), ['v1', 'v2', 'v3', 'v4']);
      assert.ok(events.every((event) => event.actor === 'vigil-cleanup'));
    });
  });
});
