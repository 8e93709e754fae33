// Staged deploy of one model version: create it, point the staging endpoint at it, smoke test;
// only then switch production blue/green, verify production with the same smoke test, and roll
// back to the previous version if that fails. Every step is audited. Resource names derive from
// (model, version), so a worker killed at any step resumes without creating anything twice.
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { DeployResult } from '../../domain/deploy/types.js';
import { dayMs } from '../../domain/time.js';
import { modelIdKey, workflowKindKey } from '../shared/search-attributes.js';
import { endpointSteps, steps } from './activities.js';
import { deployRun } from './deploy-run.js';
import type { DeployInput } from './messages.js';
import { deployToProduction } from './production.js';
import { stageAndTest, stopAtStaging } from './staging.js';

export { deployStageQuery, type DeployInput } from './messages.js';

export async function deployWorkflow(input: DeployInput): Promise<DeployResult> {
  const run = deployRun(input);
  const { model, version, artifactUri, workflowId } = run;
  upsertSearchAttributes([
    { key: modelIdKey, value: model },
    { key: workflowKindKey, value: 'deploy' },
  ]);
  const targets = await steps.deployTargets({ model });
  const { endpoints } = targets;
  const window = input.sampleWindow ?? { start: new Date(Date.now() - 7 * dayMs).toISOString(), end: new Date(Date.now()).toISOString() };

  await run.enter('creating', { artifactUri, reason: input.reason });
  await steps.createModelVersion({ model, version, artifactUri, workflowId });

  const staging = await stageAndTest(run, endpoints, window);
  if (!staging.passed) {
    await stopAtStaging(run, endpoints, staging);
    return { model, version, outcome: 'smoke-failed', staging };
  }
  const result = await deployToProduction(run, endpoints, window, staging);
  // A staging endpoint left up bills by the hour for a copy of production; the next deploy creates
  // it again. Runs from before this step (no marker in their history) end as they did.
  if (result.outcome === 'deployed' && targets.staging === 'delete' && patched('retire-staging')) {
    try {
      await endpointSteps.retireStaging({ model, endpoint: endpoints.staging, version, workflowId, runId: run.runId });
    } catch (error) {
      // Production serves the version: a staging endpoint left up costs money, not correctness.
      await steps.alertDeploy({
        model,
        version,
        workflowId,
        runId: run.runId,
        severity: 'warning',
        title: `staging endpoint ${endpoints.staging} could not be deleted after the deploy of ${version}`,
        text: `${error instanceof Error ? error.message : String(error)}. It keeps billing until deleted (the next cleanup or deploy does not remove it).`,
      });
    }
  }
  return result;
}
