// The candidate's own predictions on the rows it was trained on, written beside its artifact as
// JSON lines. Prediction drift and bias of the windows the version serves are
// then measured against what the version itself predicted on its training rows, not against the
// predictions its predecessor logged for them.
import type { ModelArtifact } from '../../../domain/model/artifact.js';
import { predictCoerced } from '../../../domain/model/predict.js';
import type { TrainingRow } from '../../../domain/sql/training-rows.js';

/** Where the scored training rows of the artifact at `artifactPath` are written. */
export function scoredRowsPathFor(artifactPath: string): string {
  return artifactPath.replace(/\.json$/, '.training-rows.jsonl');
}

/**
 * One JSON object per record trained on: its id and the candidate's prediction (`record_id`,
 * `prediction`). The warehouse joins them to the training window's rows, which carry the event
 * time, features and labels; a record id seen twice keeps its first row's prediction.
 */
export function scoredTrainingRowsText(artifact: ModelArtifact, rows: readonly TrainingRow[]): string {
  const predictions = predictCoerced(
    artifact,
    rows.map((row) => row.features),
  );
  const seen = new Set<string>();
  const lines: string[] = [];
  rows.forEach((row, index) => {
    if (seen.has(row.recordId)) return;
    seen.add(row.recordId);
    lines.push(JSON.stringify({ record_id: row.recordId, prediction: predictions[index] }));
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
