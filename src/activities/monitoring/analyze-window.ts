// Analyses a window: the aggregates computed in the warehouse, turned into metrics and breaches.
import type { FacetConfig } from '../../config/schema.js';
import { evaluateWindow } from '../../domain/monitoring/evaluate-window.js';
import { facetName } from '../../domain/monitoring/policy.js';
import type { WindowAnalysis } from '../../domain/monitoring/types.js';
import { windowEndingAt, windowLabel } from '../../domain/monitoring/windows.js';
import { cancellationSignal, heartbeat } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { collectWindowAggregates } from './collect-aggregates.js';
import { windowQueryInput, type WindowRef } from './window-query.js';

function facetNames(facets: FacetConfig[]): string[] {
  return facets.map((facet) => facetName(facet));
}

export function createAnalyzeWindowActivities(deps: ActivityDeps) {
  return {
    /** Computes drift, performance and bias in the warehouse and decides what breached. */
    async analyzeWindow({ model, window, asOf }: WindowRef & { asOf: string }): Promise<WindowAnalysis> {
      return classified(`analyse ${model} ${windowLabel(window)}`, async () => {
        const { config, input } = await windowQueryInput(deps, model, window);
        const signal = cancellationSignal();
        const aggregates = await collectWindowAggregates(deps.warehouse, input, {
          asOf,
          bins: config.monitoring.bins,
          facets: facetNames(config.monitoring.facets),
          facetWindow: windowEndingAt(Date.parse(window.end), Math.max(config.monitoring.facetWindowDays, config.monitoring.windowDays)),
          onProgress: (step, done, total) => heartbeat({ step, done, total }),
          ...(signal === undefined ? {} : { signal }),
        });
        return evaluateWindow(input.contract, config.monitoring, aggregates);
      });
    },
  };
}
