// A model's cleanup (on its weekly Schedule, or `vigil cleanup plan|apply`): plans which versions
// to keep and which to delete, each with its rule, and, when asked to apply, deletes them one at a
// time. The plan is made and applied in the same run, so what is deleted is what was just planned;
// each deletion checks again that nothing serves the version and is audited.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CleanupOutcome, CleanupPlan } from '../../domain/cleanup/retention-plan.js';
import { modelIdKey, workflowKindKey } from '../shared/search-attributes.js';
import { deletionSteps, steps } from './activities.js';

export interface CleanupInput {
  model: string;
  /** false (default): only plan. */
  apply?: boolean;
}

export interface CleanupResult {
  plan: CleanupPlan;
  /** One outcome per deletion applied, in plan order (none when only planned). */
  applied: CleanupOutcome[];
}

export async function cleanupWorkflow(input: CleanupInput): Promise<CleanupResult> {
  upsertSearchAttributes([
    { key: modelIdKey, value: input.model },
    { key: workflowKindKey, value: 'cleanup' },
  ]);
  const { workflowId, runId } = workflowInfo();
  const plan = await steps.planCleanup({ model: input.model });
  const applied: CleanupOutcome[] = [];
  if (input.apply === true) {
    if (plan.lifecycle.length > 0) await steps.applyLifecycle({ model: input.model });
    for (const item of plan.items) {
      if (item.action === 'delete') applied.push(await deletionSteps.applyCleanupItem({ model: input.model, planId: plan.id, item, workflowId, runId }));
    }
  }
  return { plan, applied };
}
