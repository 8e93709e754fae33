// One chaos run: the loop under the schedule's faults on a rig of either mode, then every invariant.
import { isListening } from '../../src/dev/dev-server.js';
import type { ChaosRig } from './chaos-rig.js';
import { faultInjector, type InjectedFault } from './fault-injector.js';
import { faultOutcome } from './fault-outcomes.js';
import { expectedOutcomes, noOrphans, oldVersionsDeletedOnce, slackOnce, workflowsCompleted, type InvariantCheck } from './invariants.js';
import { oldVersions } from './model-settings.js';
import { driveLoop, type LoopOutcome } from './loop.js';
import type { FaultSchedule } from './schedule.js';

export interface ChaosRunReport {
  mode: 'local' | 'aws';
  seed: number;
  faults: { fault: string; where: string; outcome: string }[];
  checks: InvariantCheck[];
  /** Every check held. */
  held: boolean;
  seconds: number;
  /** Why the run could not finish, when it could not (then `held` is false). */
  error?: string;
  /** Where the run's workspace was kept (a failed run keeps it). */
  keptAt?: string;
}

export async function chaosRun(
  startRig: (runKey: string, schedule: FaultSchedule) => Promise<ChaosRig>,
  schedule: FaultSchedule,
  options: { keep?: boolean } = {},
): Promise<ChaosRunReport> {
  const started = Date.now();
  const runKey = `${schedule.seed}-${process.pid}-${started.toString(36)}`;
  const rig = await startRig(runKey, schedule);
  const faults = faultInjector({ client: rig.client, taskQueue: rig.taskQueue, workers: rig.workers, schedule, restartServer: (ms) => rig.restartServer(ms) });
  const checks: InvariantCheck[] = [];
  let error: string | undefined;
  let injected: InjectedFault[] = [];
  try {
    rig.startAwsFaults();
    const injecting = faults.run();
    // A failed injection (a worker that would not start again) ends the run at once, with its
    // reason; the loop it leaves behind stops on its own once the rig is closed.
    const injectionFailed = injecting.then(() => new Promise<never>(() => undefined));
    let outcome: LoopOutcome;
    try {
      const driving = driveLoop({
        client: rig.client,
        taskQueue: rig.taskQueue,
        model: 'demand',
        approver: rig.approver,
        driftDate: rig.driftDate,
        runKey,
        workers: rig.workers,
        faults,
        decisionWhileWorkerAway: schedule.decisionWhileWorkerAway,
      });
      driving.catch(() => undefined);
      outcome = await Promise.race([driving, injectionFailed]);
    } finally {
      faults.stop();
      injected = await injecting.catch(() => []);
    }
    checks.push(expectedOutcomes(outcome));
    checks.push(oldVersionsDeletedOnce(outcome, oldVersions));
    const candidate = outcome.retraining?.candidate;
    const production = await rig.modelHost.describeEndpoint('demand-production');
    const staging = await rig.modelHost.describeEndpoint('demand-staging');
    checks.push({
      name: 'production serves the approved candidate',
      held: candidate !== undefined && production?.currentVersion === candidate && staging === undefined,
      detail: `production ${production?.currentVersion ?? '-'}, staging ${staging?.currentVersion ?? 'retired'}`,
    });
    await rig.workers.stop();
    checks.push(await workflowsCompleted(rig.client, rig.taskQueue));
    const versions = (await rig.modelHost.listModelVersions('demand')).map((entry) => entry.version).sort();
    const expected = ['v1', ...(candidate === undefined ? [] : [candidate])].sort();
    checks.push({ name: 'model versions created once', held: JSON.stringify(versions) === JSON.stringify(expected), detail: versions.join(', ') });
    checks.push(...(await rig.checksAfterStop(candidate)));
    checks.push(...slackOnce(rig.slack.calls()));
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const report = [
    ...(await Promise.all(injected.map(async (fault) => ({ fault: fault.fault, where: fault.where, outcome: await faultOutcome(rig.client, fault).catch(() => '?') })))),
    ...rig.injectedBesidesKills(),
    ...(rig.workers.failedStarts() > 0 ? [{ fault: 'worker exited before it polled', where: `${rig.workers.failedStarts()} starts`, outcome: 'started again' }] : []),
  ];
  const workerLog = rig.workers.log();
  const keep = options.keep === true || error !== undefined || checks.some((entry) => !entry.held);
  await rig.close({ keep });
  checks.push(await noOrphans({ started: rig.workers.started(), unexited: rig.workers.unexited() }, rig.ports, (port) => isListening('127.0.0.1', port)));
  const held = error === undefined && checks.every((entry) => entry.held);
  if (error !== undefined) error = `${error}\n    worker log (last lines):\n      ${workerLog.split('\n').slice(-8).join('\n      ')}`;
  return {
    mode: rig.mode,
    seed: schedule.seed,
    faults: report,
    checks,
    held,
    seconds: Math.round((Date.now() - started) / 1000),
    ...(error === undefined ? {} : { error }),
    ...(keep ? { keptAt: rig.dir } : {}),
  };
}
