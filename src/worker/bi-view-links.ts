// The Temporal Web UI the BI views link events to: the configured UI, in the namespace the
// process connects to.
import type { LoadedConfig } from '../config/load.js';
import type { BiViewOptions } from '../domain/dashboard/bi-views.js';
import { temporalTarget } from '../temporal/connection.js';

export function biViewLinks(loaded: LoadedConfig): BiViewOptions {
  return { temporalUi: { uiUrl: loaded.config.temporal.uiUrl, namespace: temporalTarget().namespace } };
}
