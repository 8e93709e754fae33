// Starts the training pipeline for a planned candidate and follows the execution to its end.
import { heartbeat } from '../shared/activity-context.js';
import type { PipelineExecution } from '../../ports/training-pipeline.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import type { RetrainingPlan } from './plan-retraining.js';

export function createTrainingRunActivities(deps: ActivityDeps) {
  return {
    async startTraining({ model, plan }: { model: string; plan: RetrainingPlan }): Promise<{ executionId: string }> {
      return classified(`start training of ${model}/${plan.candidateVersion}`, () =>
        deps.training.start({
          model,
          candidateVersion: plan.candidateVersion,
          trainingWindow: plan.trainingWindow,
          holdoutWindow: plan.holdoutWindow,
          holdoutShare: plan.holdoutShare,
          ...(plan.championVersion === undefined ? {} : { championVersion: plan.championVersion }),
          asOf: plan.asOf,
          parameters: { alpha: plan.ridgeAlpha },
        }),
      );
    },

    /** Follows the execution to a terminal state, heartbeating its step (resumable after a crash). */
    async waitForTraining({ executionId }: { executionId: string }): Promise<PipelineExecution> {
      return classified(`training ${executionId}`, async () => {
        for (let attempt = 0; ; attempt += 1) {
          const execution = await deps.training.describe(executionId);
          if (execution.status !== 'Executing') return execution;
          heartbeat({ executionId, step: execution.step ?? 'executing', attempt });
          await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 200 * 2 ** Math.min(attempt, 6))));
        }
      });
    },
  };
}
