// The production half of a deploy: switch blue/green, verify with the same smoke test, and roll
// back to the previous version when the platform or the verification rejects the new one.
import type { DeployResult, EndpointMove, SmokeReport } from '../../domain/deploy/types.js';
import { endpointSteps, steps, type DeployEndpoints } from './activities.js';
import type { DeploymentRecord, DeployRun } from './deploy-run.js';
import type { SampleWindow } from './staging.js';

export async function deployToProduction(run: DeployRun, endpoints: DeployEndpoints, window: SampleWindow, staging: SmokeReport): Promise<DeployResult> {
  const { model, version, artifactUri, workflowId } = run;
  const before = await steps.describeEndpointVersion({ endpoint: endpoints.production });
  const previous = before.currentVersion === undefined ? {} : { previousVersion: before.currentVersion };
  const record = (status: string): DeploymentRecord => ({ endpoint: endpoints.production, stage: 'production', status, previousVersion: before.currentVersion });
  await run.enter('production', { endpoint: endpoints.production, previousVersion: before.currentVersion ?? null });
  const productionMove: EndpointMove | undefined = await endpointSteps.pointEndpoint({ model, version, artifactUri, endpoint: endpoints.production, workflowId });
  if (productionMove?.moved === false) {
    // The platform reverted the rollout itself (an alarm fired while it baked, or it could not start).
    await run.enter('rolled-back', { reason: productionMove.reason, restored: before.currentVersion ?? null, by: 'platform' });
    await run.stopShort(
      {
        title: `deploy of ${version} rolled back during the production rollout`,
        text: `${productionMove.reason} Production serves ${before.currentVersion ?? 'nothing'} as before.`,
      },
      record('rolled-back'),
    );
    return { model, version, outcome: 'rolled-back', staging, ...previous };
  }

  await run.enter('verify-production', { endpoint: endpoints.production });
  const production: SmokeReport = await steps.smokeTest({ model, endpoint: endpoints.production, expectVersion: version, window });
  if (!production.passed) {
    await rollBack(run, endpoints, before.currentVersion, production, record);
    return { model, version, outcome: 'rolled-back', staging, production, ...previous };
  }

  await steps.recordDeployment({ model, version, ...record('deployed'), workflowId, runId: run.runId });
  await run.enter('done');
  return { model, version, outcome: 'deployed', staging, production, ...previous };
}

/** Production failed its verification: back to the version it served before, or page and fail. */
async function rollBack(
  run: DeployRun,
  endpoints: DeployEndpoints,
  to: string | undefined,
  production: SmokeReport,
  record: (status: string) => DeploymentRecord,
): Promise<void> {
  const { model, version, workflowId } = run;
  await run.enter('rolling-back', { reasons: production.reasons, to: to ?? null });
  if (to !== undefined && to !== version) {
    try {
      await endpointSteps.rollbackEndpoint({ model, endpoint: endpoints.production, toVersion: to, workflowId });
    } catch (error) {
      // Production may still serve the version that failed its verification: page, then fail.
      await run.enter('rollback-failed', { to });
      await run.stopShort(
        {
          title: `rollback of ${endpoints.production} to ${to} FAILED: production may still serve ${version}`,
          text: `${production.reasons.join('; ')}. The rollback failed: ${error instanceof Error ? error.message : String(error)}`,
        },
        record('rollback-failed'),
      );
      throw error;
    }
  }
  await run.enter('rolled-back', { restored: to ?? null });
  await run.stopShort(
    {
      title: `deploy of ${version} rolled back: production verification failed`,
      text: `${production.reasons.join('; ')}. Production serves ${to ?? 'nothing'} again.`,
    },
    record('rolled-back'),
  );
}
