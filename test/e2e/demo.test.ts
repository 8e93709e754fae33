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
    assert.ok(result.alerts > 0);
    assert.match(await readFile(join(dir, 'alerts.log'), 'utf8'), /drift detected/);
    assert.equal(await isListening('127.0.0.1', temporalPort), false, 'the dev server the demo started is stopped');
  });
});
