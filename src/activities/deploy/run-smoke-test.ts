// The smoke test of an endpoint: recent production rows sent to it, judged on format, latency,
// sanity of the predictions and the version that answered.
import { servingRow } from '../../domain/contract/serving-row.js';
import type { SmokeReport } from '../../domain/deploy/types.js';
import { smokeRequestRows, smokeTestVerdict, type SmokeResponse } from '../../domain/deploy/smoke-test.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import { decodeRowsToScore } from '../../domain/sql/rows-to-score.js';
import { sampleRowsSql } from '../../domain/sql/sample-rows.js';
import { dayMs } from '../../domain/time.js';
import { heartbeat } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { modelOf } from '../shared/model-of.js';

export function createSmokeTestActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
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
        const requests = smokeRequestRows(rows.map((row) => servingRow(contract, row.features)), wanted, smoke.rowsPerRequest);
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
  };
}
