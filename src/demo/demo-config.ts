// The demo's deployment: a config file and the demand model's contract, written under the demo
// folder so the demo runs through the same config loading as any deployment.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { dayMs } from '../domain/time.js';
import { demoContract } from './data/contract.js';

export const demoScenario = {
  seed: 7,
  /** A Monday, so the weeks line up. */
  startDate: '2026-09-28',
  days: 42,
  rowsPerDay: 2000,
  /** Day index from which the drift is injected: 2026-10-22, a Thursday. */
  driftFromDay: 24,
} as const;

export function demoDriftDate(): string {
  const start = Date.parse(`${demoScenario.startDate}T00:00:00Z`);
  return new Date(start + demoScenario.driftFromDay * dayMs).toISOString().slice(0, 10);
}

export const demoTaskQueue = 'vigil-demo';

/** The demo's approver: a CLI name, since the demo answers its own request from the terminal. */
export const demoApprover = 'demo-approver';

export async function writeDemoConfig(dir: string, options: { uiUrl?: string } = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'demand.contract.json'), `${JSON.stringify(demoContract(), null, 2)}\n`);
  const config = {
    mode: 'local',
    dataDir: '.',
    temporal: { taskQueue: demoTaskQueue, ...(options.uiUrl === undefined ? {} : { uiUrl: options.uiUrl }) },
    // 0: the demo starts its model server on a free port and tells the worker where it is.
    local: { modelServerPort: 0 },
    models: [
      {
        id: 'demand',
        contract: 'demand.contract.json',
        endpoints: { production: 'demand-production', staging: 'demand-staging' },
        sources: {
          productionLog: { path: 'data/production_log/*/*.parquet', format: 'parquet' },
          labels: { path: 'data/labels.parquet', format: 'parquet' },
          baseline: { path: 'data/baseline.parquet', format: 'parquet' },
          // What the stream path refused (the demo's traffic goes through it).
          streamQuarantine: { path: 'data/stream_quarantine/*/*.parquet', format: 'parquet' },
        },
        monitoring: {
          // A rolling week, evaluated daily: a single day holds one weekday only, and a
          // week-long baseline would make every weekday look like drift.
          windowDays: 7,
          relabelDays: 7,
          facetWindowDays: 7,
          drift: {
            numeric: { method: 'wasserstein_normed', threshold: 0.1 },
            categorical: { method: 'js_distance', threshold: 0.1 },
            prediction: { method: 'wasserstein_normed', threshold: 0.1 },
          },
          performance: { rmse: { max: 30 } },
          bias: { mean_error_gap_change: { min: -15, max: 15 } },
          schedule: { cron: '0 6 * * *', timezone: 'UTC' },
        },
        retraining: {
          // Labelled traffic up to the day before, from the day the breaches began (at most two
          // weeks, at least one, so day_of_week sees every weekday): the candidate learns the
          // drifted regime, with a day of the old one at most. A third of the last week's rows
          // (by record-id hash) is held out, so it is judged, like the champion, on rows it never saw.
          trainingDays: 14,
          trainingStart: 'breach',
          holdoutDays: 7,
          holdoutShare: 0.3,
          tolerance: 0.05,
          trigger: { k: 6, n: 7, on: ['drift', 'performance'], cooldown: '14d' },
          approvalTimeout: '2h',
        },
        approvers: [{ cli: demoApprover }],
      },
    ],
  };
  const path = join(dir, 'vigil.config.yaml');
  await writeFile(path, `# Written by \`vigil demo\`; edit a copy to monitor your own model.\n${stringify(config)}`);
  return path;
}
