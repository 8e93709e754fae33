// `vigil baseline set -m M --version V (--configured | --from D1 --to D2 [--labels-as-of T]) --as U`:
// what a registered version's windows are compared against from now on, changed through the worker
// (which owns the registry) and audited. Windows analysed afterwards use it; earlier results stay.
import { modelById } from '../../config/models.js';
import type { ModelReference } from '../../domain/monitoring/reference.js';
import { parseDay } from '../../domain/monitoring/windows.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { dayMs } from '../../domain/time.js';
import type { setReferenceWorkflow } from '../../workflows/retraining/set-reference.js';
import { setReferenceWorkflowId } from '../../workflows/shared/workflow-ids.js';
import { connectClient } from '../../temporal/connect.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface BaselineSetOptions {
  config: string;
  model: string;
  version: string;
  configured?: boolean;
  from?: string;
  to?: string;
  labelsAsOf?: string;
  as: string;
  reason?: string;
}

/** The reference the flags ask for, or one line naming the flags that do not fit together. */
export function referenceFromFlags(options: Pick<BaselineSetOptions, 'version' | 'configured' | 'from' | 'to' | 'labelsAsOf'>, now: Date): ModelReference {
  const window = options.from !== undefined || options.to !== undefined;
  if (options.configured === true) {
    if (window || options.labelsAsOf !== undefined) throw new Error('give either --configured or --from/--to, not both');
    return { kind: 'baseline', version: options.version };
  }
  if (options.from === undefined || options.to === undefined) {
    throw new Error('give --configured (the configured sources.baseline) or --from and --to (days of the production log, --to inclusive)');
  }
  const start = parseDay(options.from, '--from');
  const end = parseDay(options.to, '--to') + dayMs;
  if (end <= start) throw new Error(`--to ${options.to} is before --from ${options.from}`);
  const labelsAsOf = options.labelsAsOf ?? now.toISOString();
  if (Number.isNaN(Date.parse(labelsAsOf))) throw new Error(`--labels-as-of "${labelsAsOf}" is not a date-time (e.g. 2026-03-20T00:00:00Z)`);
  return { kind: 'training-window', version: options.version, window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() }, labelsAsOf };
}

export async function baselineSetCommand(options: BaselineSetOptions): Promise<RegisteredVersion> {
  const loaded = await loadCliConfig(options.config);
  const model = modelById(loaded.config, options.model);
  const now = new Date();
  const reference = referenceFromFlags(options, now);
  const connected = await connectClient();
  try {
    const updated = await connected.client.workflow.execute<typeof setReferenceWorkflow>('setReferenceWorkflow', {
      taskQueue: loaded.config.temporal.taskQueue,
      workflowId: setReferenceWorkflowId(model.id, options.version, now.toISOString()),
      args: [{ model: model.id, version: options.version, reference, by: options.as, reason: options.reason ?? 'set by hand' }],
    });
    const stored = updated.reference;
    const text =
      stored === undefined || stored.kind === 'baseline'
        ? 'the configured baseline'
        : `its rows ${stored.window.start.slice(0, 10)} .. ${stored.window.end.slice(0, 10)} (end exclusive), labels as of ${stored.labelsAsOf}`;
    console.log(`${model.id} ${options.version}: windows analysed from now on compare with ${text}`);
    return updated;
  } finally {
    await connected.close();
  }
}
