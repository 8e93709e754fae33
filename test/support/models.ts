// Shared fixtures for the local model-serving tests: a temporary folder with two trained demo
// artifacts (v1, v2) and clean production rows to score.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../src/demo/data/generate.js';
import { trainDemoModel } from '../../src/demo/data/model.js';
import type { ModelArtifact } from '../../src/domain/model/artifact.js';
import { coerceRow } from '../../src/domain/model/coerce.js';

export type Cell = number | string | boolean | null;

export interface ModelFixtures {
  dir: string;
  v1: { artifact: ModelArtifact; path: string };
  v2: { artifact: ModelArtifact; path: string };
  /** Clean demo rows in contract order. */
  rows: Cell[][];
  cleanup(): Promise<void>;
}

export async function modelFixtures(): Promise<ModelFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-model-'));
  const demo = generateDemo({ seed: 3, startDate: '2024-06-03', days: 1, rowsPerDay: 400, driftFromDay: 99, baselineRows: 600 });
  const later = generateDemo({ seed: 4, startDate: '2024-06-03', days: 0, rowsPerDay: 1, driftFromDay: 0, baselineRows: 600 });
  const v1 = trainDemoModel(demo.baseline, { version: 'v1', trainedAt: '2024-06-03T00:00:00Z' });
  const v2 = trainDemoModel(later.baseline, { version: 'v2', trainedAt: '2024-06-10T00:00:00Z', alpha: 50 });
  const write = async (artifact: ModelArtifact): Promise<{ artifact: ModelArtifact; path: string }> => {
    const path = join(dir, `${artifact.model}-${artifact.version}.json`);
    await writeFile(path, JSON.stringify(artifact));
    return { artifact, path };
  };
  const rows = demo.day(0).records.map((record) => record.features).filter((row) => coerceRow(v1.encoding, row).ok);
  return {
    dir,
    v1: await write(v1),
    v2: await write(v2),
    rows,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => row.map((value) => (value === null ? '' : String(value))).join(',')).join('\n');
}
