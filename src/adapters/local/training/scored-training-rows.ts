// The candidate's own predictions on the rows it was trained on, written beside its artifact as
// JSON lines. Prediction drift and bias of the windows the version serves are
// then measured against what the version itself predicted on its training rows, not against the
// predictions its predecessor logged for them.
import type { ModelArtifact } from '../../../domain/model/artifact.js';
import { predictCoerced } from '../../../domain/model/predict.js';
import type { TrainingRow } from '../../../domain/sql/training-rows.js';
import { writeAtomicallyInParts } from './atomic-file.js';

/** Rows scored and written per part: a million rows never become one string. */
const partRows = 8192;

/** Where the scored training rows of the artifact at `artifactPath` are written. */
export function scoredRowsPathFor(artifactPath: string): string {
  return artifactPath.replace(/\.json$/, '.training-rows.jsonl');
}

/**
 * Writes one JSON object per record trained on: its id and the candidate's prediction
 * (`record_id`, `prediction`), one per line, each line ending in a newline. The warehouse joins
 * them to the training window's rows, which carry the event time, features and labels; a record
 * id seen twice keeps its first row's prediction.
 */
export async function writeScoredTrainingRows(path: string, artifact: ModelArtifact, rows: readonly TrainingRow[]): Promise<void> {
  const seen = new Set<string>();
  await writeAtomicallyInParts(path, async (write) => {
    for (let start = 0; start < rows.length; start += partRows) {
      const part = rows.slice(start, start + partRows);
      const predictions = predictCoerced(
        artifact,
        part.map((row) => row.features),
      );
      let text = '';
      part.forEach((row, index) => {
        if (seen.has(row.recordId)) return;
        seen.add(row.recordId);
        text += `${JSON.stringify({ record_id: row.recordId, prediction: predictions[index] })}\n`;
      });
      await write(text);
    }
  });
}
