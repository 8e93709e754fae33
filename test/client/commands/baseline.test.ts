// `vigil baseline show` on a local deployment: each registered version's reference read from the
// registry, the configured baseline for a version registered without one.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelRegistry } from '../../../src/adapters/local/files/file-model-registry.js';
import { baselineShowCommand } from '../../../src/client/commands/baseline.js';
import { writeDemoConfig } from '../../../src/demo/demo-config.js';
import { trainingReference } from '../../../src/domain/monitoring/reference.js';
import { capturedConsole } from '../../support/console-capture.js';

describe('vigil baseline show', () => {
  let dir: string;
  let configPath: string;
  const printed = capturedConsole();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-baseline-'));
    configPath = await writeDemoConfig(dir);
    const registry = new FileModelRegistry(dir);
    const origin = { reason: 'drift', workflowId: 'vigil-retrain-demand' };
    await registry.register({ model: 'demand', version: 'v1', artifactUri: 'models/demand/v1.json', metrics: {}, origin, registeredAt: '2026-10-01T00:00:00.000Z' });
    const trainingWindow = { start: '2026-10-21T00:00:00.000Z', end: '2026-10-28T00:00:00.000Z' };
    await registry.register({
      model: 'demand',
      version: 'v2',
      artifactUri: 'models/demand/v2.json',
      metrics: { holdout_rmse: 10.6 },
      origin,
      reference: trainingReference('v2', { trainingWindow, asOf: '2026-10-28T06:00:00.000Z', scoredRowsUri: 'models/demand/v2.training-rows.jsonl' }),
      registeredAt: '2026-10-28T06:01:00.000Z',
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the training rows and predictions of a retrained version, and the baseline for one without a reference', async () => {
    const rows = await baselineShowCommand({ config: configPath, model: 'demand' });
    assert.deepEqual(
      rows.map((row) => [row.version, row.reference.kind]),
      [
        ['v1', 'baseline'],
        ['v2', 'training-window'],
      ],
    );
    assert.match(printed.join('\n'), /v1 \(PendingManualApproval\): the configured baseline \(data\/baseline\.parquet\)/);
    assert.match(printed.join('\n'), /v2 \(PendingManualApproval\): the production rows of 2026-10-21 \.\. 2026-10-28 \(end exclusive\), labels as of 2026-10-28T06:00:00\.000Z, with its own predictions \(models\/demand\/v2\.training-rows\.jsonl\)/);
  });

  it('prints one JSON object with --json', async () => {
    await baselineShowCommand({ config: configPath, model: 'demand', json: true });
    assert.equal(printed.length, 1);
    const parsed = JSON.parse(printed[0] ?? '') as { model: string; baseline: string; versions: { version: string }[] };
    assert.deepEqual([parsed.model, parsed.baseline, parsed.versions.map((entry) => entry.version)], ['demand', 'data/baseline.parquet', ['v1', 'v2']]);
  });

  it('refuses an unknown model naming the configured ones', async () => {
    await assert.rejects(baselineShowCommand({ config: configPath, model: 'nope' }), /unknown model "nope" \(configured: demand\)/);
  });
});
