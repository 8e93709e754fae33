// Vigil's Temporal Schedules on the real dev server: apply is idempotent (create, then update to
// match the config), and the operations the CLI exposes act on the schedule.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { validateConfig, type LoadedConfig } from '../../src/config/load.js';
import { applySchedules, cleanupScheduleId, listVigilSchedules, monitoringScheduleId, monitoringSchedule, retrainingScheduleId } from '../../src/client/schedules.js';
import { testEnv, uniqueId } from '../support/temporal.js';

describe('monitoring schedules on the dev server', function () {
  this.timeout(120_000);
  let client: Client;
  let dir: string;
  const model = uniqueId('sched').replaceAll('-', '_');

  async function configWith(cron: string, paused = false): Promise<LoadedConfig> {
    await writeFile(
      join(dir, 'contract.json'),
      JSON.stringify({ model, feature_schema_version: 1, features: [{ name: 'x', type: 'float' }] }),
    );
    return validateConfig(
      {
        temporal: { taskQueue: `${model}-queue` },
        models: [
          {
            id: model,
            contract: 'contract.json',
            endpoints: { production: 'prod', staging: 'staging' },
            sources: { productionLog: { path: 'log.parquet' }, labels: { path: 'labels.parquet' }, baseline: { path: 'baseline.parquet' } },
            monitoring: { schedule: { cron, timezone: 'Europe/Paris', jitter: '2m', catchupWindow: '12h', paused } },
          },
        ],
      },
      join(dir, 'vigil.config.yaml'),
    );
  }

  before(async () => {
    client = (await testEnv()).client;
    dir = await mkdtemp(join(tmpdir(), 'vigil-schedules-'));
  });

  after(async () => {
    await client.schedule.getHandle(monitoringScheduleId(model)).delete().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the schedule, then updates it in place when the config changes', async () => {
    assert.deepEqual(await applySchedules(client, await configWith('0 6 * * *')), [
      { scheduleId: monitoringScheduleId(model), action: 'created' },
      { scheduleId: cleanupScheduleId(model), action: 'created' },
    ]);
    const cleanup = await client.schedule.getHandle(cleanupScheduleId(model)).describe();
    assert.deepEqual(cleanup.action.type === 'startWorkflow' ? [cleanup.action.workflowType, cleanup.action.args] : [], ['cleanupWorkflow', [{ model, apply: true }]]);
    const handle = client.schedule.getHandle(monitoringScheduleId(model));
    const created = await handle.describe();
    assert.equal(created.spec.timezone, 'Europe/Paris');
    assert.equal(created.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.equal(created.policies.catchupWindow, 12 * 3_600_000);
    assert.equal(created.action.type, 'startWorkflow');
    assert.equal(created.action.type === 'startWorkflow' ? created.action.workflowType : '', 'dailyMonitoringWorkflow');
    assert.deepEqual(created.action.type === 'startWorkflow' ? created.action.args : [], [{ model }]);
    assert.equal(created.spec.calendars?.[0]?.hour?.[0]?.start, 6);

    assert.deepEqual(await applySchedules(client, await configWith('30 7 * * *', true)), [
      { scheduleId: monitoringScheduleId(model), action: 'updated' },
      { scheduleId: cleanupScheduleId(model), action: 'updated' },
    ]);
    const updated = await handle.describe();
    assert.equal(updated.spec.calendars?.[0]?.hour?.[0]?.start, 7);
    assert.equal(updated.spec.calendars?.[0]?.minute?.[0]?.start, 30);
    assert.equal(updated.state.paused, true);
    assert.match(updated.state.note ?? '', /cron "30 7 \* \* \*" Europe\/Paris/);
    const listed = await listVigilSchedules(client);
    assert.equal(listed.filter((summary) => summary.scheduleId === monitoringScheduleId(model)).length, 1, 'one schedule, not two');
  });

  it('pauses, unpauses and triggers a run', async () => {
    const handle = client.schedule.getHandle(monitoringScheduleId(model));
    await handle.unpause('test');
    assert.equal((await handle.describe()).state.paused, false);
    await handle.pause('test');
    assert.equal((await handle.describe()).state.paused, true);
    await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    // A triggered action shows up in the schedule's recent actions once the server has started it.
    const deadline = Date.now() + 30_000;
    let started = 0;
    while (Date.now() < deadline && started === 0) {
      started = (await handle.describe()).info.recentActions.length;
      if (started === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(started > 0, 'the trigger started a workflow');
    const description = await handle.describe();
    const workflowId = description.info.recentActions[0]?.action.workflow.workflowId ?? '';
    assert.match(workflowId, new RegExp(`^vigil-daily-monitoring-${model}`));
    await client.workflow.getHandle(workflowId).terminate('no worker in this test');
  });

  it('adds a retraining schedule when the config asks for one, and removes it when it no longer does', async () => {
    const loaded = await configWith('0 6 * * *');
    loaded.config.models[0]!.retraining.schedule = { cron: '0 3 * * 1', timezone: 'UTC' };
    const applied = await applySchedules(client, loaded);
    assert.deepEqual(applied.map((entry) => entry.scheduleId).sort(), [monitoringScheduleId(model), retrainingScheduleId(model), cleanupScheduleId(model)].sort());
    const retraining = await client.schedule.getHandle(retrainingScheduleId(model)).describe();
    assert.equal(retraining.action.type === 'startWorkflow' ? retraining.action.workflowType : '', 'retrainingWorkflow');
    assert.equal(retraining.action.type === 'startWorkflow' ? retraining.action.workflowId : '', `vigil-retrain-${model}`);
    assert.equal(retraining.policies.overlap, ScheduleOverlapPolicy.SKIP);
    const removed = await applySchedules(client, await configWith('0 6 * * *'));
    assert.ok(removed.some((entry) => entry.scheduleId === retrainingScheduleId(model) && entry.action === 'deleted'));
  });

  it('deletes the schedules of a model taken out of the config, and leaves another task queue’s alone', async () => {
    const gone = `${model}_gone`;
    const loaded = await configWith('0 6 * * *');
    const [kept] = loaded.config.models;
    assert.ok(kept !== undefined);
    const both: LoadedConfig = { ...loaded, config: { ...loaded.config, models: [kept, { ...kept, id: gone }] } };
    await applySchedules(client, both);
    // Another Vigil on its own task queue, monitoring a model of the same name.
    const elsewhere = monitoringSchedule({ ...loaded, config: { ...loaded.config, temporal: { ...loaded.config.temporal, taskQueue: `${model}-elsewhere` } } }, { ...kept, id: `${gone}_elsewhere` });
    await client.schedule.create(elsewhere);
    const goneIds = [monitoringScheduleId(gone), cleanupScheduleId(gone)];
    try {
      // Schedules are listed from the server's visibility store, which may lag a create.
      const deadline = Date.now() + 15_000;
      const listedIds = async (): Promise<string[]> => (await listVigilSchedules(client)).map((summary) => summary.scheduleId);
      while (Date.now() < deadline) {
        const listed = await listedIds();
        if ([...goneIds, elsewhere.scheduleId].every((id) => listed.includes(id))) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const applied = await applySchedules(client, loaded);
      assert.deepEqual(applied, [
        { scheduleId: monitoringScheduleId(model), action: 'updated' },
        { scheduleId: cleanupScheduleId(model), action: 'updated' },
        ...goneIds.sort().map((scheduleId) => ({ scheduleId, action: 'deleted' })),
      ]);
      for (const id of goneIds) await assert.rejects(client.schedule.getHandle(id).describe(), { name: 'ScheduleNotFoundError' });
      assert.equal((await client.schedule.getHandle(elsewhere.scheduleId).describe()).scheduleId, elsewhere.scheduleId, 'another task queue’s schedule is not this config’s');
      assert.deepEqual((await applySchedules(client, loaded)).filter((entry) => entry.action === 'deleted'), [], 'nothing left to delete');
    } finally {
      await client.schedule.getHandle(elsewhere.scheduleId).delete().catch(() => undefined);
      for (const id of goneIds) await client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });
});
