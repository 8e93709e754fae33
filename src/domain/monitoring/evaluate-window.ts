// Turns one window's aggregates into metric rows, drift decisions and breaches. Pure: the same
// aggregates and policy always give the same verdict.
import type { FeatureContract } from '../contract/contract.js';
import { evaluateBias } from './evaluate-bias.js';
import { evaluateDrift } from './evaluate-drift.js';
import { evaluatePerformance } from './evaluate-performance.js';
import { evaluateQuality, recordWindowCounts, recordWindowCoverage } from './evaluate-quality.js';
import { MetricCollector } from './metric-collector.js';
import type { MonitoringPolicy } from './policy.js';
import type { WindowAnalysis } from './types.js';
import type { WindowAggregates } from './window-aggregates.js';

export function evaluateWindow(contract: FeatureContract, policy: MonitoringPolicy, aggregates: WindowAggregates): WindowAnalysis {
  const out = new MetricCollector();
  // The order of the metric rows is part of the result: quality, window counts, drift, performance, bias.
  const dataQualityIncident = evaluateQuality(out, aggregates.quality, policy.quality);
  recordWindowCounts(out, aggregates.summary);
  const coverage = recordWindowCoverage(out, aggregates.summary, policy);
  // A partial window's distributions hold a day or two against a whole reference: not judged.
  const judged = coverage?.partial !== true;
  const { driftedFeatures, predictionDrifted } = judged
    ? evaluateDrift(out, contract, policy.drift, aggregates)
    : { driftedFeatures: [], predictionDrifted: false };
  const { performance, labelledRows } = evaluatePerformance(out, policy.performance, aggregates.performance);
  if (judged) evaluateBias(out, policy, aggregates.facets);

  const meanPrediction = aggregates.distances.find((d) => d.subject === 'prediction')?.currentMean ?? null;
  return {
    analysedRows: aggregates.summary.sampledValidRows,
    labelledRows,
    labelCoverage: performance?.labelCoverage ?? null,
    metrics: out.metrics,
    breaches: out.breaches,
    driftedFeatures,
    predictionDrifted,
    dataQualityIncident,
    headline: { rmse: performance?.rmse ?? null, mae: performance?.mae ?? null, meanPrediction },
    queryIds: aggregates.queryIds,
    ...(aggregates.bytesScanned === undefined ? {} : { bytesScanned: aggregates.bytesScanned }),
    ...(coverage === undefined ? {} : { coverage }),
  };
}
