// Trains the demo's first model version from the baseline: the oldest 80% of rows train it, the
// newest 20% are the holdout its metrics come from.
import { parseContract } from '../../domain/contract/contract.js';
import type { ModelArtifact } from '../../domain/model/artifact.js';
import { trainModel } from '../../domain/model/train.js';
import { demoContract } from './contract.js';
import type { DemoBaselineRow } from './generate.js';

export interface DemoModelOptions {
  version?: string;
  /** ISO timestamp recorded in the artifact. */
  trainedAt: string;
  alpha?: number;
}

export function trainDemoModel(baseline: readonly DemoBaselineRow[], options: DemoModelOptions): ModelArtifact {
  const split = Math.floor(baseline.length * 0.8);
  const part = (rows: readonly DemoBaselineRow[]): { rows: DemoBaselineRow['features'][]; labels: number[] } => ({
    rows: rows.map((row) => row.features),
    labels: rows.map((row) => row.label),
  });
  return trainModel({
    contract: parseContract(demoContract(), 'demo contract'),
    version: options.version ?? 'v1',
    trainedAt: options.trainedAt,
    alpha: options.alpha ?? 1,
    ...part(baseline.slice(0, split)),
    holdout: part(baseline.slice(split)),
  });
}
