// The chaos suite's reduced schedule (npm run chaos runs the full one): the whole loop in each mode
// with three worker kills inside activities, a Temporal server restart and the approval sent while
// no worker runs, and in aws mode a share of the worker's AWS calls throttled. Every invariant holds.
import assert from 'node:assert/strict';
import { startAwsChaosRig } from './aws-rig.js';
import { chaosRun, type ChaosRunReport } from './chaos-run.js';
import { startLocalChaosRig } from './local-rig.js';
import { runLines } from './report.js';
import { faultSchedule } from './schedule.js';

function assertHeld(report: ChaosRunReport): void {
  console.error(runLines(report, 0, 1).join('\n'));
  const kills = report.faults.filter((fault) => fault.fault === 'kill worker');
  assert.ok(kills.length >= 3, `${kills.length} kills`);
  assert.ok(report.faults.some((fault) => fault.fault === 'restart Temporal server'));
  assert.ok(report.faults.some((fault) => fault.fault === 'decision while no worker runs'));
  for (const check of report.checks) assert.ok(check.held, `${check.name}: ${check.detail}`);
  assert.equal(report.error, undefined);
  assert.equal(report.held, true);
}

describe('chaos: the whole loop under a reduced fault schedule', function () {
  this.timeout(900_000);

  it('local mode: 3 worker kills (with the model server), a server restart, a decision while no worker runs', async () => {
    assertHeld(await chaosRun(startLocalChaosRig, faultSchedule(101, { kills: 3, serverRestart: true, awsFaultKinds: [] })));
  });

  it('aws mode: the same, and a share of the AWS calls throttled', async () => {
    const report = await chaosRun(startAwsChaosRig, faultSchedule(102, { kills: 3, serverRestart: true, awsFaultKinds: ['throttling'] }));
    assertHeld(report);
    assert.match(report.faults.find((fault) => fault.fault === 'AWS faults')?.where ?? '', /[1-9]\d* throttling/);
  });
});
