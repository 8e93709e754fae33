// `vigil baseline set`: what a registered version's windows are compared against from now on —
// the configured baseline, or a window of the production log with the labels known at a time.
import { messageOf, NonRetryableError } from '../../domain/errors.js';
import type { ModelReference } from '../../domain/monitoring/reference.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { isoUtc, normaliseWindow } from '../../domain/sql/sql-text.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

/** The reference as stored: times normalised, a window that is not one refused. */
export function checkedReference(version: string, reference: ModelReference): ModelReference {
  if (reference.kind === 'baseline') return { kind: 'baseline', version };
  let window: { start: string; end: string };
  let labelsAsOf: string;
  try {
    window = normaliseWindow(reference.window);
    labelsAsOf = isoUtc(reference.labelsAsOf, 'labels as of');
  } catch (error) {
    throw new NonRetryableError(`reference of ${version}: ${messageOf(error)}`, 'INVALID_INPUT');
  }
  return { kind: 'training-window', version, window, labelsAsOf };
}

export function createVersionReferenceActivities(deps: ActivityDeps) {
  return {
    async setVersionReference({ model, version, reference }: { model: string; version: string; reference: ModelReference }): Promise<RegisteredVersion> {
      return classified(`set the reference of ${model}/${version}`, async () => {
        modelOf(deps, model);
        return deps.registry.setReference(model, version, checkedReference(version, reference));
      });
    },
  };
}
