// The staging half of a deploy: point staging at the version and smoke test it; a failed test
// stops the deploy with production unchanged.
import type { EndpointMove, SmokeReport } from '../../domain/deploy/types.js';
import { endpointSteps, steps, type DeployEndpoints } from './activities.js';
import type { DeployRun } from './deploy-run.js';

export interface SampleWindow {
  start: string;
  end: string;
}

/** The staging smoke report; a staging endpoint that did not move fails it. */
export async function stageAndTest(run: DeployRun, endpoints: DeployEndpoints, window: SampleWindow): Promise<SmokeReport> {
  const { model, version, artifactUri, workflowId } = run;
  await run.enter('staging', { endpoint: endpoints.staging });
  // Histories from before moves had a result carry none: those endpoints moved.
  const stagingMove: EndpointMove | undefined = await endpointSteps.pointEndpoint({ model, version, artifactUri, endpoint: endpoints.staging, workflowId });

  await run.enter('smoke-staging', { endpoint: endpoints.staging });
  return stagingMove?.moved === false
    ? { passed: false, reasons: [`staging did not move to ${version}: ${stagingMove.reason}`], stats: {} }
    : await steps.smokeTest({ model, endpoint: endpoints.staging, expectVersion: version, window });
}

export async function stopAtStaging(run: DeployRun, endpoints: DeployEndpoints, staging: SmokeReport): Promise<void> {
  await run.enter('smoke-failed', { reasons: staging.reasons });
  await run.stopShort(
    { title: `deploy of ${run.version} stopped: the staging smoke test failed`, text: `${staging.reasons.join('; ')}. Production is unchanged.` },
    { endpoint: endpoints.staging, stage: 'staging', status: 'smoke-failed' },
  );
}
