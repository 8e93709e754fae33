// A new user's first hour: their own model's Parquet files (a delivery-time regression, nothing
// like the demo: other features, an int, a bool, a category, their own names for the record id,
// event time, prediction and label), `vigil init` on them, a worker for the written config on the
// test dev server, and monitoring windows before and after a shift in the last week.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { initCommand, type InitResult } from '../../src/client/onboarding/init.js';
import { loadConfig } from '../../src/config/load.js';
import type { MonitorWindowResult } from '../../src/domain/monitoring/types.js';
import { composeRuntime, type Runtime } from '../../src/worker/compose-runtime.js';
import type { monitorWindowWorkflow } from '../../src/workflows/monitoring/monitor-window.js';
import { addDays, weekEndingOn } from '../support/monitoring-rig.js';
import { testEnv, uniqueId } from '../support/temporal.js';
import { startTestWorker, type TestWorker } from '../support/vigil-worker.js';

const firstDay = '2026-03-02';
const days = 21;
const rowsPerDay = 200;
/** Day index from which deliveries are 60 % longer: the last week. */
const shiftFromDay = 14;

/** Writes log/week{1,2,3}.parquet, labels.parquet and baseline.parquet under `dir`. */
async function writeDeliveryFiles(dir: string): Promise<void> {
  await mkdir(join(dir, 'log'), { recursive: true });
  const duck = await DuckDbWarehouse.open();
  try {
    // A deterministic uniform draw per (row, purpose), so every run writes the same files.
    await duck.execute(`CREATE MACRO draw(i, k) AS (hash(i * 31 + k) % 1000000)::DOUBLE / 1000000`);
    const rows = (first: number, count: number, dayOf: string, start: string, shifted: string): string => `
      SELECT i, ${dayOf} AS day,
        TIMESTAMP '${start}' + to_days(CAST(${dayOf} AS INTEGER)) + to_seconds(CAST(draw(i, 1) * 86399 AS BIGINT)) AS ts,
        round((2 + 18 * draw(i, 2)) * CASE WHEN ${shifted} THEN 1.6 ELSE 1 END, 2) AS distance_km,
        1 + CAST(floor(draw(i, 3) * 8) AS BIGINT) AS items,
        draw(i, 4) < 0.3 AS express,
        ['north', 'south', 'east', 'west', 'center'][1 + CAST(floor(draw(i, 5) * 5) AS INTEGER)] AS zone,
        (draw(i, 6) - 0.5) * 6 AS noise
      FROM range(${first}, ${first + count}) AS t(i)`;
    const minutes = `10 + 2.5 * distance_km + 1.5 * items - CASE WHEN express THEN 8 ELSE 0 END`;
    await duck.execute(`CREATE TABLE traffic AS SELECT *, round(${minutes}, 2) AS score, round(${minutes} + noise, 2) AS actual FROM (${rows(0, days * rowsPerDay, `i // ${rowsPerDay}`, firstDay, `i // ${rowsPerDay} >= ${shiftFromDay}`)})`);
    for (const week of [1, 2, 3]) {
      await duck.execute(
        `COPY (SELECT 'req-' || i AS request_id, ts, distance_km, items, express, zone, score, 'v1' AS model_version FROM traffic ` +
          `WHERE day BETWEEN ${(week - 1) * 7} AND ${week * 7 - 1} ORDER BY i) TO '${join(dir, 'log', `week${week}.parquet`)}' (FORMAT parquet)`,
      );
    }
    await duck.execute(
      `COPY (SELECT 'req-' || i AS request_id, actual, ts + to_hours(CAST(24 + draw(i, 7) * 48 AS BIGINT)) AS labelled_at FROM traffic ORDER BY i) TO '${join(dir, 'labels.parquet')}' (FORMAT parquet)`,
    );
    const baseline = `SELECT *, round(${minutes}, 2) AS score, round(${minutes} + noise, 2) AS actual FROM (${rows(1_000_000, 1500, `i % 28`, '2026-02-01', 'false')})`;
    await duck.execute(`COPY (SELECT ts, distance_km, items, express, zone, score, actual FROM (${baseline}) ORDER BY i) TO '${join(dir, 'baseline.parquet')}' (FORMAT parquet)`);
  } finally {
    await duck.close();
  }
}

function vigil(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { VIGIL_DEBUG: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a new user onboards their own model', function () {
  this.timeout(180_000);
  let dir: string;
  let init: InitResult;
  const notes: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-new-user-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    await writeDeliveryFiles(join(dir, 'data'));
    init = await initCommand({
      model: 'delivery',
      log: join(dir, 'data', 'log', '*.parquet'),
      labels: join(dir, 'data', 'labels.parquet'),
      baseline: join(dir, 'data', 'baseline.parquet'),
      dir: join(dir, 'vigil'),
      onNote: (line) => notes.push(line),
    });
  });

  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('infers the contract from the baseline, with the renamed columns found from the files', () => {
    assert.deepEqual(init.contract, {
      model: 'delivery',
      feature_schema_version: 1,
      columns: { record_id: 'request_id', event_time: 'ts', prediction: 'score', label: 'actual', label_time: 'labelled_at' },
      features: [
        { name: 'distance_km', type: 'float' },
        { name: 'items', type: 'int' },
        { name: 'express', type: 'bool' },
        { name: 'zone', type: 'category', categories: ['center', 'east', 'north', 'south', 'west'] },
      ],
    });
    assert.ok(notes.some((line) => line.includes('"score" is the prediction')), notes.join('\n'));
  });

  it('writes a config the loader accepts, with sources relative to it and the next commands', async () => {
    const model = init.loaded.config.models[0]!;
    assert.deepEqual(model.sources, {
      productionLog: { path: '../data/log/*.parquet', format: 'parquet' },
      labels: { path: '../data/labels.parquet', format: 'parquet' },
      baseline: { path: '../data/baseline.parquet', format: 'parquet' },
    });
    assert.deepEqual(model.endpoints, { production: 'delivery-production', staging: 'delivery-staging' });
    assert.equal(model.monitoring.windowDays, 7);
    assert.deepEqual(model.monitoring.facets, [{ name: 'weekend', kind: 'weekend' }]);
    assert.equal(init.loaded.config.dataDir, '.vigil');
    assert.match(await readFile(init.configPath, 'utf8'), /# CHECK/);
    assert.equal(init.lastDay, addDays(firstDay, days - 1));
    assert.ok(init.nextCommands.includes(`npx vigil monitor run -c ${init.configPath} -m delivery --date ${init.lastDay}`), init.nextCommands.join('\n'));
  });

  it('runs through the real command line: one summary line, and one line for a refusal', () => {
    const args = ['init', '--model', 'delivery', '--log', join(dir, 'data', 'log', '*.parquet'), '--labels', join(dir, 'data', 'labels.parquet'), '--baseline', join(dir, 'data', 'baseline.parquet')];
    const cliDir = join(dir, 'cli');
    const first = vigil([...args, '--dir', cliDir]);
    assert.equal(first.status, 0, first.stderr);
    const [summary, ...next] = first.stdout.trim().split('\n');
    assert.match(summary ?? '', /^vigil init: wrote .*delivery\.contract\.json \(distance_km float, items int, express bool, zone category\) and .*vigil\.config\.yaml/);
    assert.match(next.join('\n'), /npx vigil worker -c /);
    const again = vigil([...args, '--dir', cliDir]);
    assert.notEqual(again.status, 0);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.match(again.stderr, /delivery\.contract\.json already exists \(--force replaces it\)/);
  });

  describe('monitoring with a worker for the written config', () => {
    let runtime: Runtime;
    let worker: TestWorker;

    before(async function () {
      this.timeout(300_000);
      const env = await testEnv();
      runtime = await composeRuntime(await loadConfig(init.configPath), { writeAlert: () => undefined });
      closers.push(() => runtime.close());
      worker = await startTestWorker(env, runtime.deps, 'new-user');
      closers.push(() => worker.stop());
    });

    async function monitorWeekEndingOn(day: string): Promise<MonitorWindowResult> {
      const env = await testEnv();
      return env.client.workflow.execute<typeof monitorWindowWorkflow>('monitorWindowWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId: uniqueId('new-user'),
        args: [{ model: 'delivery', window: weekEndingOn(day), asOf: `${addDays(day, 8)}T00:00:00.000Z` }],
      });
    }

    it('finds the windows before the shift clean and the shifted week drifted, with results in monitoring_metrics', async () => {
      const shiftDay = addDays(firstDay, shiftFromDay);
      for (const day of [addDays(shiftDay, -4), addDays(shiftDay, -1)]) {
        const clean = await monitorWeekEndingOn(day);
        assert.equal(clean.status, 'ok');
        assert.equal(clean.quarantined, 0);
        assert.deepEqual(clean.analysis?.driftedFeatures, [], `no drift expected in the week ending ${day}`);
        assert.equal(clean.analysis?.predictionDrifted, false);
      }
      const shifted = await monitorWeekEndingOn(init.lastDay!);
      assert.deepEqual(shifted.analysis?.driftedFeatures, ['distance_km']);
      assert.equal(shifted.analysis?.predictionDrifted, true);
      assert.equal(shifted.analysis?.labelCoverage, 1);
      const { rows } = await runtime.deps.warehouse.query(
        `SELECT DISTINCT subject FROM monitoring_metrics WHERE model = 'delivery' AND window_start = '${weekEndingOn(init.lastDay!).start}' AND breached ORDER BY subject`,
      );
      assert.ok(rows.some((row) => row.subject === 'distance_km'), JSON.stringify(rows));
    });
  });
});
