// The candidate in the model registry and at the champion/challenger gate.
import type { ApprovalStatus } from '../../domain/retraining/registered-version.js';
import type { EvaluationMetrics } from '../../domain/retraining/evaluation-metrics.js';
import { trainingReference } from '../../domain/monitoring/reference.js';
import { championChallengerGate, type GateVerdict } from '../../domain/retraining/gate.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { clockOf } from '../shared/clock.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export function createCandidateActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    async registerCandidate(args: {
      model: string;
      version: string;
      artifactUri: string;
      metrics: Record<string, number | null>;
      reason: string;
      workflowId: string;
      /** The window its monitoring compares with (absent from runs started before references were recorded). */
      trainedOn?: { trainingWindow: TimeWindow; asOf: string; scoredRowsUri?: string };
    }): Promise<void> {
      await deps.registry.register({
        model: args.model,
        version: args.version,
        artifactUri: args.artifactUri,
        metrics: args.metrics,
        origin: { reason: args.reason, workflowId: args.workflowId },
        // Trained from rows judged by the contract the worker runs with: the one it serves under.
        contract: modelOf(deps, args.model).contractIdentity,
        ...(args.trainedOn === undefined ? {} : { reference: trainingReference(args.version, args.trainedOn) }),
        registeredAt: now().toISOString(),
      });
    },

    championChallenger(args: { model: string; candidate: EvaluationMetrics; champion?: EvaluationMetrics | undefined; championVersion?: string }): Promise<GateVerdict> {
      const tolerance = modelOf(deps, args.model).config.retraining.tolerance;
      return Promise.resolve(championChallengerGate(args.candidate, args.champion, tolerance, args.championVersion));
    },

    async setCandidateStatus({ model, version, status, by, reason }: { model: string; version: string; status: ApprovalStatus; by: string; reason: string }): Promise<void> {
      await deps.registry.setStatus(model, version, status, by, reason);
    },
  };
}
