// The staged deploy's activities: thin, idempotent steps over ModelHost, Warehouse, AuditLog and
// the notifiers. Resource names and tags derive from (model, version), so a retry or a restarted
// worker finds what an earlier attempt created instead of creating it again.
import { heartbeat, heartbeatDetails } from '../shared/activity-context.js';
import type { ModelConfig } from '../../config/schema.js';
import type { EndpointMove, SmokeReport } from '../../domain/deploy/types.js';
import { ENDPOINT_ROLLED_BACK, NonRetryableError, RetryableError } from '../../domain/errors.js';
import { deploymentTags } from '../../domain/deploy/names.js';
import { smokeRequestRows, smokeTestVerdict, type SmokeResponse } from '../../domain/deploy/smoke-test.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import { decodeRowsToScore } from '../../domain/sql/rows-to-score.js';
import { sampleRowsSql } from '../../domain/sql/sample-rows.js';
import type { Severity } from '../../domain/alerts/alert.js';
import { classified } from '../shared/activity-errors.js';
import { modelOf } from '../shared/model-of.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { alertRun, recordRunAudit } from '../shared/run-events.js';


const dayMs = 86_400_000;

export function createDeployActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());

  /** The hosts resolve pointEndpoint once the version serves (they wait themselves): verify it once. */
  async function checkServing(endpoint: string, version: string): Promise<void> {
    const description = await deps.modelHost.describeEndpoint(endpoint);
    if (description?.status === 'InService' && description.currentVersion === version) return;
    throw new RetryableError(
      `endpoint ${endpoint} is ${description?.status ?? 'missing'} on ${description?.currentVersion ?? 'no version'} after moving to ${version}`,
      'NOT_SERVING',
    );
  }

  return {
    deployTargets({ model }: { model: string }): Promise<{ endpoints: ModelConfig['endpoints'] }> {
      return Promise.resolve({ endpoints: modelOf(deps, model).config.endpoints });
    },

    async createModelVersion({ model, version, artifactUri, workflowId }: { model: string; version: string; artifactUri: string; workflowId: string }): Promise<void> {
      return classified(`create ${model}/${version}`, () =>
        deps.modelHost.createModelVersion({ model, version, artifactUri }, deploymentTags({ model, version, env: 'all', workflowId })),
      );
    },

    async describeEndpointVersion({ endpoint }: { endpoint: string }): Promise<{ currentVersion?: string }> {
      const description = await deps.modelHost.describeEndpoint(endpoint);
      return description?.currentVersion === undefined ? {} : { currentVersion: description.currentVersion };
    },

    /**
     * Moves the endpoint to the version. When the platform rolls the update back on its own (an
     * alarm fired while the new fleet baked, or it could not start), that is an outcome for the
     * workflow, not a failure.
     */
    async pointEndpoint(args: { model: string; version: string; artifactUri: string; endpoint: string; workflowId: string }): Promise<EndpointMove> {
      return classified(`point ${args.endpoint} at ${args.model}/${args.version}`, async () => {
        const current = await deps.modelHost.describeEndpoint(args.endpoint);
        // Already there (a retry after the switch): nothing to do.
        if (current?.status === 'InService' && current.currentVersion === args.version) return { moved: true };
        const earlier = heartbeatDetails<{ issued?: { endpoint: string; version: string } }>()?.issued;
        if (earlier?.endpoint === args.endpoint && earlier.version === args.version && current?.status === 'InService' && current.lastFailure !== undefined) {
          // An earlier attempt issued this move and the platform has reverted it since (the worker
          // was away while it baked): moving again would send traffic to the rejected version.
          return { moved: false, reason: `${args.endpoint} went back to ${current.currentVersion ?? 'its previous version'}: ${current.lastFailure}` };
        }
        const { config } = modelOf(deps, args.model);
        const traffic = args.endpoint === config.endpoints.production ? 'rollout' : 'immediate';
        const tags = deploymentTags({ model: args.model, version: args.version, env: args.endpoint, workflowId: args.workflowId });
        heartbeat({ issued: { endpoint: args.endpoint, version: args.version } });
        try {
          await deps.modelHost.pointEndpoint(args.endpoint, { model: args.model, version: args.version, artifactUri: args.artifactUri }, tags, { traffic });
        } catch (error) {
          if (error instanceof NonRetryableError && error.code === ENDPOINT_ROLLED_BACK) return { moved: false, reason: error.message };
          throw error;
        }
        await checkServing(args.endpoint, args.version);
        return { moved: true };
      });
    },

    async rollbackEndpoint({ model, endpoint, toVersion, workflowId }: { model: string; endpoint: string; toVersion: string; workflowId: string }): Promise<void> {
      return classified(`roll ${endpoint} back to ${model}/${toVersion}`, async () => {
        const current = await deps.modelHost.describeEndpoint(endpoint);
        if (current?.status === 'InService' && current.currentVersion === toVersion) return;
        const tags = deploymentTags({ model, version: toVersion, env: endpoint, workflowId });
        // All at once and unwatched: the alarms that called for the rollback must not undo it.
        await deps.modelHost.pointEndpoint(endpoint, { model, version: toVersion, artifactUri: '' }, tags, { traffic: 'immediate' });
        await checkServing(endpoint, toVersion);
      });
    },

    /** Sends recent production rows to the endpoint and judges format, latency and sanity. */
    async smokeTest({ model, endpoint, expectVersion, window }: { model: string; endpoint: string; expectVersion: string; window?: { start: string; end: string } }): Promise<SmokeReport> {
      return classified(`smoke test ${endpoint}`, async () => {
        const { config, contract } = modelOf(deps, model);
        const smoke = config.retraining.smoke;
        const tables = await deps.sources.tablesFor(contract);
        const end = window?.end ?? now().toISOString();
        const sampleWindow = window ?? { start: new Date(Date.parse(end) - 7 * dayMs).toISOString(), end };
        const wanted = smoke.requests * smoke.rowsPerRequest;
        const built = sampleRowsSql({ contract, tables, window: sampleWindow, dialect: dialectFor(deps.warehouse.dialect) }, wanted);
        const rows = decodeRowsToScore((await deps.warehouse.query(built.sql, { label: built.label })).rows, contract);
        if (rows.length === 0) {
          return { passed: false, reasons: [`no valid production rows in ${sampleWindow.start} .. ${sampleWindow.end} to test with`], stats: {} };
        }
        const order = contract.features.map((feature) => feature.name);
        const requests = smokeRequestRows(rows.map((row) => order.map((name) => row.features[name] ?? null)), wanted, smoke.rowsPerRequest);
        const responses: SmokeResponse[] = [];
        const versions: (string | undefined)[] = [];
        for (const [index, request] of requests.entries()) {
          const started = performance.now();
          try {
            const result = await deps.modelHost.invoke(endpoint, request);
            responses.push({ rows: request.length, predictions: result.predictions, latencyMs: result.latencyMs });
            versions.push(result.modelVersion);
          } catch (error) {
            responses.push({ rows: request.length, predictions: undefined, latencyMs: performance.now() - started, error: error instanceof Error ? error.message : String(error) });
          }
          heartbeat({ endpoint, request: index + 1, of: requests.length });
        }
        const verdict = smokeTestVerdict({
          contract,
          rowsSent: requests.reduce((sum, request) => sum + request.length, 0),
          responses,
          bounds: { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms, maxMs: smoke.maxMs },
        });
        const wrongVersion = versions.filter((version) => version !== undefined && version !== expectVersion).length;
        const reasons = [...verdict.reasons];
        if (wrongVersion > 0) reasons.push(`${wrongVersion} responses came from another version than ${expectVersion}`);
        const stats = Object.fromEntries(Object.entries(verdict.stats).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
        return { passed: verdict.passed && wrongVersion === 0, reasons, stats };
      });
    },

    async recordDeployment(args: {
      model: string;
      version: string;
      endpoint: string;
      stage: string;
      status: string;
      previousVersion?: string | undefined;
      workflowId: string;
      runId: string;
    }): Promise<void> {
      const id = `${args.workflowId}:${args.stage}:${args.status}`;
      await deps.warehouse.replaceRows('deployments', { id }, [
        {
          id,
          at: now().toISOString(),
          model_version: args.version,
          endpoint: args.endpoint,
          stage: args.stage,
          action: 'deploy',
          status: args.status,
          previous_version: args.previousVersion ?? null,
          workflow_id: args.workflowId,
          run_id: args.runId,
          detail: null,
          model: args.model,
        },
      ]);
    },

    async auditDeploy(args: { model: string; version: string; workflowId: string; runId: string; action: string; actor: string; detail: Record<string, unknown> }): Promise<void> {
      const { version, ...event } = args;
      await recordRunAudit(deps, now, { ...event, detail: { version, ...args.detail } });
    },

    async alertDeploy(args: { model: string; version: string; workflowId: string; runId: string; severity: Severity; title: string; text: string }): Promise<void> {
      await alertRun(deps, { ...args, incidentKey: `${args.model}:deploy:${args.version}` });
    },
  };
}
