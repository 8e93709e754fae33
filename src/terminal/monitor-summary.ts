// Renders monitoring results as a per-window table: volume, quarantine, label coverage, RMSE,
// drifted features, and the breaches that fired, with breached windows marked.
import { formatNumber } from '../domain/alerts/format.js';
import type { Breach, MonitorWindowResult } from '../domain/monitoring/types.js';
import { windowLabel } from '../domain/monitoring/windows.js';
import { renderTable } from './table.js';

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(0)}%`;
}

/** Missing numbers (no labels yet, no data) read as "-" like every other empty cell. */
function number(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : formatNumber(value);
}

function breachText(breaches: Breach[], kind: Breach['kind']): string {
  const of = breaches.filter((breach) => breach.kind === kind);
  if (of.length === 0) return '';
  return of.map((breach) => `${breach.subject}.${breach.metric}=${formatNumber(breach.value)}`).join(' ');
}

/** A partial window says how many of its days held rows: its drift and bias were not judged. */
function statusText(result: MonitorWindowResult): string {
  const coverage = result.analysis?.coverage;
  return coverage?.partial === true ? `partial ${coverage.coveredDays}/${coverage.windowDays}d` : result.status;
}

/** `markDay`: the first day of injected or known drift; the first window holding it is marked. */
export function summaryTable(results: MonitorWindowResult[], options: { markDay?: string } = {}): string {
  const rows = results.map((result) => {
    const analysis = result.analysis;
    const breaches = analysis?.breaches ?? [];
    const marker = breaches.length > 0 || result.status === 'no_data' ? '<<' : '';
    const lastDay = new Date(Date.parse(result.window.end) - 1).toISOString().slice(0, 10);
    const injected = options.markDay !== undefined && lastDay === options.markDay ? ' (drift starts)' : '';
    return [
      `${windowLabel(result.window)}${injected}`,
      statusText(result),
      String(result.rows),
      String(result.quarantined),
      result.modelVersions?.join('+') || '-',
      percent(analysis?.labelCoverage),
      number(analysis?.headline.rmse),
      number(analysis?.headline.meanPrediction),
      [...(analysis?.driftedFeatures ?? []), ...(analysis?.predictionDrifted === true ? ['prediction'] : [])].join(',') || '-',
      breachText(breaches, 'bias') || '-',
      breachText(breaches, 'performance') || '-',
      marker,
    ];
  });
  return renderTable(['window', 'status', 'rows', 'quar.', 'served by', 'labels', 'rmse', 'mean pred', 'drift', 'bias', 'performance', ''], rows);
}
