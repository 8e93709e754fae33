// The whole loop end to end, as `npm run demo` runs it (smaller): data generation, model v1 on
// the local model server, a Temporal dev server of its own, the worker, the daily monitoring
// schedule replayed day by day, and the summary. Afterwards nothing it started is left running.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isListening } from '../../src/dev/dev-server.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { freePort } from '../support/free-port.js';

describe('end to end: the demo loop', function () {
  this.timeout(900_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('monitors every day, flags the injected drift from its first day only, and cleans up', async () => {
    const temporalPort = await freePort();
    const uiPort = await freePort();
    const lines: string[] = [];
    const result = await runDemo({
      dir,
      temporalPort,
      uiPort,
      scale: { days: 16, rowsPerDay: 300, driftFromDay: 12 },
      yes: true,
      log: (line) => lines.push(line),
    });
    const driftDay = '2026-10-10';
    const lastDayOf = (result: { window: { end: string } }): string => new Date(Date.parse(result.window.end) - 1).toISOString().slice(0, 10);
    const before = result.windows.filter((w) => lastDayOf(w) < driftDay);
    const after = result.windows.filter((w) => lastDayOf(w) >= driftDay);
    assert.ok(before.length >= 5 && after.length >= 3, `windows: ${result.windows.length}`);
    for (const window of before) assert.deepEqual(window.analysis?.driftedFeatures, [], `no drift before ${driftDay}: ${lastDayOf(window)}`);
    assert.ok(after[0]?.analysis?.driftedFeatures.includes('temperature'), 'drift flagged on its first day');
    assert.ok(result.coverageHistory.length >= 2);
    const coverages = result.coverageHistory.map((entry) => entry.labelCoverage ?? 0);
    assert.ok(coverages.every((value, index) => index === 0 || value >= (coverages[index - 1] ?? 0)), `coverage only grows: ${coverages.join(',')}`);
    assert.ok((coverages.at(-1) ?? 0) > (coverages[0] ?? 1), 'late labels raised the coverage');
    assert.ok(lines.some((line) => line.includes('(drift starts)')), 'the summary marks the drift day');
    // The traffic went through the stream path: its refused records are counted in the windows.
    const logged = lines.map((line) => /logged ([\d,]+) requests through the stream path: ([\d,]+) to the production log, ([\d,]+) refused/.exec(line)).find((match) => match !== null);
    assert.ok(logged !== undefined, 'the demo says what the stream path took in');
    const [total, valid, refused] = logged.slice(1, 4).map((text) => Number(text.replace(/,/g, '')));
    assert.equal(total, 16 * 300);
    assert.ok(refused! > 0 && valid! + refused! === total, `${valid} + ${refused} = ${total}`);
    assert.ok(result.windows.every((window) => window.quarantined > 0 && window.rows === 7 * 300), 'every week holds its refused records');
    assert.ok(result.alerts > 0);
    assert.match(await readFile(join(dir, 'alerts.log'), 'utf8'), /drift detected/);
    assert.equal(await isListening('127.0.0.1', temporalPort), false, 'the dev server the demo started is stopped');
  });

  it('closes the loop: drift caught, retrained on the new regime, deployed, and the windows it serves are clean again', async () => {
    const loopDir = await mkdtemp(join(tmpdir(), 'vigil-demo-loop-'));
    try {
      const result = await runDemo({
        dir: loopDir,
        temporalPort: await freePort(),
        uiPort: await freePort(),
        scale: { days: 30, rowsPerDay: 400, driftFromDay: 10 },
        yes: true,
        log: () => undefined,
      });
      const driftDay = '2026-10-08';
      const lastDayOf = (window: { window: { end: string } }): string => new Date(Date.parse(window.window.end) - 1).toISOString().slice(0, 10);
      const deployed = result.retrainings.find((retraining) => retraining.outcome === 'deployed');
      assert.ok(deployed?.version !== undefined, `retrainings: ${JSON.stringify(result.retrainings)}`);
      assert.equal(result.retrainings.length, 1, 'one retraining: the loop did not start another');

      const preDrift = result.windows.filter((window) => lastDayOf(window) < driftDay);
      const preDriftRmse = preDrift.map((window) => window.analysis?.headline.rmse ?? Number.NaN);
      const baselineRmse = preDriftRmse.reduce((sum, value) => sum + value, 0) / preDriftRmse.length;
      // Windows served by the new version only, its labels in.
      const recovered = result.windows.filter((window) => window.modelVersions?.[0] === deployed.version && window.analysis?.reference?.version === deployed.version).slice(-3);
      assert.equal(recovered.length, 3, 'three windows served by the retrained version');
      for (const window of recovered) {
        const analysis = window.analysis;
        assert.deepEqual(analysis?.reference, { kind: 'training-window', version: deployed.version });
        assert.deepEqual(analysis?.driftedFeatures, [], `no drift in ${lastDayOf(window)}`);
        assert.equal(analysis?.predictionDrifted, false, `no prediction drift in ${lastDayOf(window)}`);
        assert.deepEqual(analysis?.breaches, [], `no breach in ${lastDayOf(window)}`);
        const rmse = analysis?.headline.rmse ?? Number.NaN;
        assert.ok(rmse <= 1.5 * baselineRmse, `RMSE ${rmse} after recovery, ${baselineRmse} before the drift`);
      }
    } finally {
      await rm(loopDir, { recursive: true, force: true });
    }
  });
});

