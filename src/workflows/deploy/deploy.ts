// Staged deploy of one model version: create it, point the staging endpoint at it, smoke test;
// only then switch production blue/green, verify production with the same smoke test, and roll
// back to the previous version if that fails. Every step is audited. Resource names derive from
// (model, version), so a worker killed at any step resumes without creating anything twice.
import { defineQuery, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { endpointMoveRetry, stepRetry } from '../shared/activity-retry.js';
import type { DeployResult, DeployStage, EndpointMove, SmokeReport } from '../../domain/deploy/types.js';
import { dayMs } from '../../domain/time.js';
import { modelIdKey, stageKey, workflowKindKey } from '../shared/search-attributes.js';

export interface DeployInput {
  model: string;
  version: string;
  artifactUri: string;
  requestedBy: string;
  reason: string;
  /** Production rows the smoke tests replay; defaults to the last 7 days before the deploy. */
  sampleWindow?: { start: string; end: string };
}

export const deployStageQuery = defineQuery<DeployStage>('stage');

const steps = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: stepRetry,
});

// Moving an endpoint waits for it: a SageMaker blue/green update bakes its canary and keeps the
// old fleet for the termination wait, which can take an hour. The adapter heartbeats meanwhile.
const endpointSteps = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: endpointMoveRetry,
});

export async function deployWorkflow(input: DeployInput): Promise<DeployResult> {
  const { model, version, artifactUri } = input;
  const { workflowId, runId } = workflowInfo();
  let stage: DeployStage = 'creating';
  setHandler(deployStageQuery, () => stage);
  const enter = async (next: DeployStage, detail: Record<string, unknown> = {}): Promise<void> => {
    stage = next;
    upsertSearchAttributes([{ key: stageKey, value: `deploy:${next}` }]);
    await steps.auditDeploy({ model, version, workflowId, runId, action: `deploy.${next}`, actor: input.requestedBy, detail });
  };
  // A deploy that stops short pages on-call first, then records where it stopped.
  const stopShort = async (
    alert: { title: string; text: string },
    record: { endpoint: string; stage: string; status: string; previousVersion?: string | undefined },
  ): Promise<void> => {
    await steps.alertDeploy({ model, version, workflowId, runId, severity: 'critical', ...alert });
    await steps.recordDeployment({ model, version, ...record, workflowId, runId });
  };
  upsertSearchAttributes([
    { key: modelIdKey, value: model },
    { key: workflowKindKey, value: 'deploy' },
  ]);
  const { endpoints } = await steps.deployTargets({ model });
  const window = input.sampleWindow ?? { start: new Date(Date.now() - 7 * dayMs).toISOString(), end: new Date(Date.now()).toISOString() };

  await enter('creating', { artifactUri, reason: input.reason });
  await steps.createModelVersion({ model, version, artifactUri, workflowId });

  await enter('staging', { endpoint: endpoints.staging });
  // Histories from before moves had a result carry none: those endpoints moved.
  const stagingMove: EndpointMove | undefined = await endpointSteps.pointEndpoint({ model, version, artifactUri, endpoint: endpoints.staging, workflowId });

  await enter('smoke-staging', { endpoint: endpoints.staging });
  const staging: SmokeReport =
    stagingMove?.moved === false
      ? { passed: false, reasons: [`staging did not move to ${version}: ${stagingMove.reason}`], stats: {} }
      : await steps.smokeTest({ model, endpoint: endpoints.staging, expectVersion: version, window });
  if (!staging.passed) {
    await enter('smoke-failed', { reasons: staging.reasons });
    await stopShort(
      { title: `deploy of ${version} stopped: the staging smoke test failed`, text: `${staging.reasons.join('; ')}. Production is unchanged.` },
      { endpoint: endpoints.staging, stage: 'staging', status: 'smoke-failed' },
    );
    return { model, version, outcome: 'smoke-failed', staging };
  }

  const before = await steps.describeEndpointVersion({ endpoint: endpoints.production });
  const previous = before.currentVersion === undefined ? {} : { previousVersion: before.currentVersion };
  const rolledBack = { endpoint: endpoints.production, stage: 'production', status: 'rolled-back', previousVersion: before.currentVersion };
  await enter('production', { endpoint: endpoints.production, previousVersion: before.currentVersion ?? null });
  const productionMove: EndpointMove | undefined = await endpointSteps.pointEndpoint({ model, version, artifactUri, endpoint: endpoints.production, workflowId });
  if (productionMove?.moved === false) {
    // The platform reverted the rollout itself (an alarm fired while it baked, or it could not start).
    await enter('rolled-back', { reason: productionMove.reason, restored: before.currentVersion ?? null, by: 'platform' });
    await stopShort(
      {
        title: `deploy of ${version} rolled back during the production rollout`,
        text: `${productionMove.reason} Production serves ${before.currentVersion ?? 'nothing'} as before.`,
      },
      rolledBack,
    );
    return { model, version, outcome: 'rolled-back', staging, ...previous };
  }

  await enter('verify-production', { endpoint: endpoints.production });
  const production: SmokeReport = await steps.smokeTest({ model, endpoint: endpoints.production, expectVersion: version, window });
  if (!production.passed) {
    await enter('rolling-back', { reasons: production.reasons, to: before.currentVersion ?? null });
    if (before.currentVersion !== undefined && before.currentVersion !== version) {
      try {
        await endpointSteps.rollbackEndpoint({ model, endpoint: endpoints.production, toVersion: before.currentVersion, workflowId });
      } catch (error) {
        // Production may still serve the version that failed its verification: page, then fail.
        await enter('rollback-failed', { to: before.currentVersion });
        await stopShort(
          {
            title: `rollback of ${endpoints.production} to ${before.currentVersion} FAILED: production may still serve ${version}`,
            text: `${production.reasons.join('; ')}. The rollback failed: ${error instanceof Error ? error.message : String(error)}`,
          },
          { ...rolledBack, status: 'rollback-failed' },
        );
        throw error;
      }
    }
    await enter('rolled-back', { restored: before.currentVersion ?? null });
    await stopShort(
      {
        title: `deploy of ${version} rolled back: production verification failed`,
        text: `${production.reasons.join('; ')}. Production serves ${before.currentVersion ?? 'nothing'} again.`,
      },
      rolledBack,
    );
    return { model, version, outcome: 'rolled-back', staging, production, ...previous };
  }

  await steps.recordDeployment({
    model,
    version,
    endpoint: endpoints.production,
    stage: 'production',
    status: 'deployed',
    previousVersion: before.currentVersion,
    workflowId,
    runId,
  });
  await enter('done');
  return { model, version, outcome: 'deployed', staging, production, ...previous };
}
