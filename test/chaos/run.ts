// `npm run chaos -- --seed S --runs N [--mode local|aws|both] [--kills 20] [--keep] [--parallel P]`:
// N runs of the whole loop per mode, each under its own fault schedule (seed S, S+1, ...), printed
// as they end (with --parallel, in P processes side by side, see parallel.ts), then one line: how
// many runs held every invariant. Exits 1 when any did not.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startAwsChaosRig } from './aws-rig.js';
import { chaosRun, type ChaosRunReport } from './chaos-run.js';
import { startLocalChaosRig } from './local-rig.js';
import { runSlices, slicesOf } from './parallel.js';
import { finalLine, runLines } from './report.js';
import { awsFaultKinds, faultSchedule } from './schedule.js';
import { teardownAll } from '../support/teardown.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      runs: { type: 'string', default: '1' },
      mode: { type: 'string', default: 'local' },
      kills: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      parallel: { type: 'string', default: '1' },
      // Where a slice process leaves its reports for the process that started it.
      'report-json': { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const runs = Number(values.runs);
  const kills = Number(values.kills);
  const parallel = Number(values.parallel);
  for (const [name, value] of [['--seed', seed], ['--runs', runs], ['--kills', kills], ['--parallel', parallel]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${String(value)}`);
  }
  const modes: readonly ('local' | 'aws')[] | undefined = values.mode === 'both' ? ['local', 'aws'] : values.mode === 'local' || values.mode === 'aws' ? [values.mode] : undefined;
  if (modes === undefined) throw new Error(`--mode must be local, aws or both, got ${values.mode}`);
  if (parallel > 1) {
    const reports = await runSlices(slicesOf(modes, seed, runs, parallel), { kills, keep: values.keep }, (text) => console.log(text));
    console.log(finalLine(reports));
    if (reports.some((report) => !report.held)) process.exitCode = 1;
    return;
  }
  const reports: ChaosRunReport[] = [];
  for (const mode of modes) {
    for (let index = 0; index < runs; index += 1) {
      const schedule = faultSchedule(seed + index, { kills, serverRestart: true, awsFaultKinds: mode === 'aws' ? awsFaultKinds : [] });
      const report = await chaosRun(mode === 'aws' ? startAwsChaosRig : startLocalChaosRig, schedule, { keep: values.keep });
      reports.push(report);
      console.log(runLines(report, index, runs).join('\n'));
    }
  }
  if (values['report-json'] !== undefined) await writeFile(values['report-json'], JSON.stringify(reports));
  console.log(finalLine(reports));
  if (reports.some((report) => !report.held)) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(`vigil chaos: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  // moto and Trino, shared by the aws runs, are stopped here.
  .finally(() => teardownAll());
