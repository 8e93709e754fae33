// Analyses a window: the aggregates computed in the warehouse, turned into metrics and breaches,
// and recorded there with the window's run row. Only the summary goes back to the workflow: the
// metric rows grow with the features, and workflow history should not carry them.
import { evaluateWindow } from '../../domain/monitoring/evaluate-window.js';
import type { ModelReference } from '../../domain/monitoring/reference.js';
import type { PreparedWindow, ReferenceUsed, WindowAnalysis } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import { cancellationSignal, heartbeat } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { collectWindowAggregates } from './collect-aggregates.js';
import { recordRun } from './record-run.js';
import { analysisWindows, keptWindowKey, windowQueryInput, type WindowRef } from './window-query.js';

/** What the workflow needs of an analysis: everything but the metric rows. */
export type WindowAnalysisSummary = Omit<WindowAnalysis, 'metrics'>;

export interface AnalyzeArgs extends WindowRef {
  asOf: string;
  /** A re-evaluation as labels arrive: drift over rows that did not change is taken from an earlier analysis. */
  relabel?: boolean;
}

/**
 * The reference of the version that served the window: the one that served most of its rows
 * (prepareWindow lists them most rows first); a mixed window is not split. A version the registry
 * holds no reference for (the first one, one trained elsewhere) is compared with the baseline.
 */
async function referenceOf(deps: ActivityDeps, model: string, servedBy: string | undefined): Promise<ModelReference | undefined> {
  if (servedBy === undefined) return undefined;
  return (await deps.registry.get(model, servedBy))?.reference;
}

async function analyse(deps: ActivityDeps, args: AnalyzeArgs, prepared?: PreparedWindow): Promise<WindowAnalysis> {
  const { model, window, asOf } = args;
  const servedBy = prepared?.modelVersions[0];
  const { config, input: configured } = await windowQueryInput(deps, model, window);
  const { facets, facetWindow } = analysisWindows(config.monitoring, window);
  const reference = await referenceOf(deps, model, servedBy);
  const input = reference === undefined ? configured : { ...configured, reference };
  const signal = cancellationSignal();
  const aggregates = await collectWindowAggregates(deps.warehouse, input, {
    asOf,
    bins: config.monitoring.bins,
    facets,
    facetWindow,
    // Predictions scored after prepareWindow are not in the rows it kept.
    ...(prepared === undefined ? {} : { keptWindow: { key: keptWindowKey(args), stale: prepared.missingPredictions > 0 }, windowRows: prepared.rows }),
    reuseUnchangedRows: args.relabel === true,
    onProgress: (step, done, total) => heartbeat({ step, done, total }),
    ...(signal === undefined ? {} : { signal }),
  });
  return { ...evaluateWindow(input.contract, config.monitoring, aggregates), reference: referenceUsed(reference) };
}

function referenceUsed(reference: ModelReference | undefined): ReferenceUsed {
  if (reference === undefined) return { kind: 'baseline' };
  return reference.kind === 'baseline' ? { kind: 'baseline' } : { kind: reference.kind, version: reference.version };
}

export function createAnalyzeWindowActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /**
     * Computes drift, performance and bias in the warehouse, decides what breached, and records the
     * window's results (replacing an earlier run's, as recordResults did).
     */
    async analyzeAndRecordWindow(args: AnalyzeArgs & { startedAt: string; prepared: PreparedWindow }): Promise<WindowAnalysisSummary> {
      const label = `${args.model} ${windowLabel(args.window)}`;
      const analysis = await classified(`analyse ${label}`, () => analyse(deps, args, args.prepared));
      heartbeat({ step: 'record' });
      await classified(`record ${label}`, () => recordRun(deps, now, { ...args, analysis }, 'ok'));
      const { metrics: _metrics, ...summary } = analysis;
      return summary;
    },

    /** For runs begun before the analysis recorded itself: the whole analysis, recorded by recordResults. */
    async analyzeWindow(args: AnalyzeArgs): Promise<WindowAnalysis> {
      return classified(`analyse ${args.model} ${windowLabel(args.window)}`, () => analyse(deps, args));
    },
  };
}
