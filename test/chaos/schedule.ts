// A run's fault schedule, drawn from its seed: the same seed gives the same schedule, so a run that
// broke an invariant can be run again as it was (what happens between the faults still depends on
// timing, as in any distributed run).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** The loop's phases, in the order it goes through them. */
export const loopPhases = ['monitoring', 'retraining', 'deploy', 'cleanup'] as const;
export type LoopPhase = (typeof loopPhases)[number];

/** How the kills spread over the phases beyond one each: monitoring has the most steps, cleanup the fewest. */
const phaseWeights: Record<LoopPhase, number> = { monitoring: 4, retraining: 2, deploy: 3, cleanup: 1 };

export interface WorkerKill {
  /** The phase whose steps this kill waits for (a later one when the loop has moved on). */
  phase: LoopPhase;
  /** Activities seen in flight to let pass before this kill's. */
  skip: number;
  /** How long after the activity was seen running (its first heartbeat) the worker dies. */
  afterMs: number;
  /** How long no worker runs before the next one starts. */
  downMs: number;
}

export interface AwsFaults {
  /** Share of AWS calls answered with a fault instead of being passed on. */
  share: number;
  kinds: AwsFaultKind[];
  /** Added to every Athena call (a slow Athena). */
  athenaDelayMs: number;
}

/** ThrottlingException (400, JSON protocols), HTTP 429, HTTP 500 / 503, the connection reset mid-request. */
export type AwsFaultKind = 'throttling' | 'too-many-requests' | 'server-error' | 'connection-reset';
export const awsFaultKinds: readonly AwsFaultKind[] = ['throttling', 'too-many-requests', 'server-error', 'connection-reset'];

export interface FaultSchedule {
  seed: number;
  kills: WorkerKill[];
  /** The Temporal server is restarted (same database file) after this kill's worker is back; -1: never. */
  serverRestartAfterKill: number;
  serverDownMs: number;
  /** The approval decision is sent while no worker runs. */
  decisionWhileWorkerAway: boolean;
  aws: AwsFaults;
}

export interface ScheduleOptions {
  kills: number;
  serverRestart: boolean;
  awsFaultKinds: readonly AwsFaultKind[];
}

export function faultSchedule(seed: number, options: ScheduleOptions): FaultSchedule {
  const rng = xoroshiro128plus(seed);
  const between = (from: number, to: number): number => uniformInt(rng, from, to);
  // One kill in each phase first, then the rest by weight; in loop order.
  const weighted = loopPhases.flatMap((phase) => Array.from({ length: phaseWeights[phase] }, () => phase));
  const kills = Array.from({ length: options.kills }, (_, index) => ({
    phase: index < loopPhases.length ? loopPhases[index] ?? 'monitoring' : weighted[between(0, weighted.length - 1)] ?? 'monitoring',
    skip: between(0, 1),
    afterMs: between(0, 200),
    downMs: between(100, 2_000),
  })).sort((a, b) => loopPhases.indexOf(a.phase) - loopPhases.indexOf(b.phase));
  return {
    seed,
    kills,
    serverRestartAfterKill: options.serverRestart && kills.length > 0 ? between(0, kills.length - 1) : -1,
    serverDownMs: between(500, 3_000),
    decisionWhileWorkerAway: true,
    aws: { share: between(5, 15) / 100, kinds: [...options.awsFaultKinds], athenaDelayMs: between(50, 400) },
  };
}
