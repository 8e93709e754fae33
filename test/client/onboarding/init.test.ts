// `vigil init`: a contract and a config from a model's own files, loaded by the real config loader.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCommand, initReport, type InitOptions } from '../../../src/client/onboarding/init.js';
import { loadConfig } from '../../../src/config/load.js';

const days = ['2026-05-04', '2026-05-05', '2026-05-06'];

/** A CSV log, labels and baseline for a model that names every reserved column its own way. */
async function writeCsvFiles(dir: string): Promise<{ log: string; labels: string; baseline: string }> {
  await mkdir(join(dir, 'log'), { recursive: true });
  const rows = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, at: `${days[i % 3]} 1${i % 10}:00:00`, basket: 20 + (i % 7), channel: ['web', 'app'][i % 2]!, guess: 3 + (i % 5) }));
  for (const [index, day] of days.entries()) {
    const lines = rows.filter((_, i) => i % 3 === index).map((r) => `${r.id},${r.at},${r.basket},${r.channel},${r.guess},m-2026.1`);
    await writeFile(join(dir, 'log', `${day}.csv`), `txn,happened_at,basket,channel,guess,build\n${lines.join('\n')}\n`);
  }
  const labels = join(dir, 'labels.csv');
  await writeFile(labels, `txn,truth,known_at\n${rows.map((r) => `${r.id},${r.guess + 1},2026-05-09 00:00:00`).join('\n')}\n`);
  const baseline = join(dir, 'baseline.csv');
  await writeFile(baseline, `happened_at,basket,channel,guess,truth\n${rows.map((r) => `2026-04-0${1 + (r.basket % 9)} 12:00:00,${r.basket},${r.channel},${r.guess},${r.guess - 1}`).join('\n')}\n`);
  return { log: join(dir, 'log', '*.csv'), labels, baseline };
}

describe('vigil init', function () {
  this.timeout(60_000);
  let dir: string;
  let files: { log: string; labels: string; baseline: string };
  const notes: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-init-'));
    files = await writeCsvFiles(join(dir, 'data'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const options = (extra: Partial<InitOptions> = {}): InitOptions => ({ model: 'basket_size', ...files, dir: join(dir, 'out'), onNote: (line) => notes.push(line), ...extra });

  it('finds every renamed column from the three files and writes a config the loader accepts', async () => {
    const result = await initCommand(options({ prediction: 'guess', windowDays: '3' }));
    assert.deepEqual(result.contract, {
      model: 'basket_size',
      feature_schema_version: 1,
      columns: { record_id: 'txn', event_time: 'happened_at', prediction: 'guess', model_version: 'build', label: 'truth', label_time: 'known_at' },
      features: [
        { name: 'basket', type: 'int' },
        { name: 'channel', type: 'category', categories: ['app', 'web'] },
      ],
    });
    const loaded = await loadConfig(result.configPath);
    const model = loaded.config.models[0]!;
    assert.deepEqual(model.endpoints, { production: 'basket-size-production', staging: 'basket-size-staging' });
    assert.deepEqual(model.sources.productionLog, { path: '../data/log/*.csv', format: 'csv' });
    assert.equal(model.monitoring.windowDays, 3);
    assert.equal(model.approvers.length, 1);
    assert.equal(result.lastDay, '2026-05-06');
    const report = initReport(result);
    assert.match(report.split('\n')[0]!, /^vigil init: wrote .*basket_size\.contract\.json \(basket int, channel category\) and .*vigil\.config\.yaml; check/);
    assert.match(await readFile(result.contractPath, 'utf8'), /"record_id": "txn"/);
  });

  it('refuses to overwrite the written files unless --force', async () => {
    await assert.rejects(initCommand(options()), /basket_size\.contract\.json already exists \(--force replaces it\)$/);
    const forced = await initCommand(options({ force: true, prediction: 'guess' }));
    assert.equal(forced.loaded.config.models[0]!.monitoring.windowDays, 7);
  });

  it('names the file and the column a source lacks', async () => {
    const noTime = join(dir, 'data', 'baseline-no-time.csv');
    await writeFile(noTime, `basket,channel,guess,truth\n${Array.from({ length: 10 }, (_, i) => `${i},web,${i},${i}`).join('\n')}\n`);
    await assert.rejects(
      initCommand(options({ baseline: noTime, prediction: 'guess', dir: join(dir, 'other') })),
      /^Error: --baseline .*baseline-no-time\.csv: no column "happened_at" \(the event time; --time names it\)$/,
    );
  });

  it('asks for --prediction when the prediction column has a name of its own', async () => {
    await assert.rejects(initCommand(options({ dir: join(dir, 'z') })), /^Error: --log .*\*\.csv: no column "prediction" \(the prediction; --prediction names it\)$/);
  });

  it('refuses a glob that matches nothing and a bad --window-days in one line', async () => {
    await assert.rejects(initCommand(options({ log: join(dir, 'nowhere', '*.parquet'), dir: join(dir, 'x') })), /^Error: --log .*nowhere\/\*\.parquet: no file matches$/);
    await assert.rejects(initCommand(options({ windowDays: '0', dir: join(dir, 'y') })), /^Error: --window-days must be a whole number from 1 to 90, got "0"$/);
  });
});
