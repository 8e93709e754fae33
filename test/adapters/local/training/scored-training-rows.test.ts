// The scored training rows file: one line per record, the first row's prediction for a repeated
// record id, the same text however many parts it is written in.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoredRowsPathFor, writeScoredTrainingRows } from '../../../../src/adapters/local/training/scored-training-rows.js';
import { parseContract } from '../../../../src/domain/contract/contract.js';
import { predictCoerced } from '../../../../src/domain/model/predict.js';
import { trainModel } from '../../../../src/domain/model/train.js';
import type { TrainingRow } from '../../../../src/domain/sql/training-rows.js';

describe('writeScoredTrainingRows', () => {
  const contract = parseContract({
    model: 'm',
    feature_schema_version: 1,
    features: [
      { name: 'x', type: 'float' },
      { name: 'kind', type: 'category', categories: ['a', 'b'] },
    ],
  });
  // More rows than one part (8192), with every 1000th record id repeated by the next row.
  const rows: TrainingRow[] = Array.from({ length: 20_000 }, (_, i) => ({
    recordId: `r${String(i % 1000 === 1 ? i - 1 : i).padStart(6, '0')}`,
    features: [i / 100, i % 3 === 0 ? 'a' : 'b'],
    label: i % 7,
  }));
  const artifact = trainModel({ contract, version: 'v1', trainedAt: '2026-01-01T00:00:00.000Z', rows: rows.map((r) => r.features), labels: rows.map((r) => r.label) });
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-scored-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each record once, with its first row prediction, as JSON lines', async () => {
    const path = scoredRowsPathFor(join(dir, 'v1.json'));
    assert.equal(path, join(dir, 'v1.training-rows.jsonl'));
    await writeScoredTrainingRows(path, artifact, rows);
    const predictions = predictCoerced(artifact, rows.map((r) => r.features));
    const seen = new Set<string>();
    const expected = rows.flatMap((row, i) => {
      if (seen.has(row.recordId)) return [];
      seen.add(row.recordId);
      return [`${JSON.stringify({ record_id: row.recordId, prediction: predictions[i] })}\n`];
    });
    assert.equal(expected.length, 20_000 - 20);
    assert.equal(await readFile(path, 'utf8'), expected.join(''));
    assert.deepEqual(await readdir(dir), ['v1.training-rows.jsonl'], 'no temporary file left');
  });

  it('writes an empty file for no rows', async () => {
    const path = join(dir, 'empty.training-rows.jsonl');
    await writeScoredTrainingRows(path, artifact, []);
    assert.equal(await readFile(path, 'utf8'), '');
  });
});
