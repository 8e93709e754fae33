// The summary table `vigil monitor run` and the demo print: one row per window, breached and
// empty windows marked.
import assert from 'node:assert/strict';
import type { Breach, MonitorWindowResult, TimeWindow, WindowAnalysis } from '../../src/domain/monitoring/types.js';
import { summaryTable } from '../../src/terminal/monitor-summary.js';

const day = (date: string): string => `${date}T00:00:00.000Z`;

describe('summaryTable', () => {
  function analysis(overrides: Partial<WindowAnalysis>): Omit<WindowAnalysis, 'metrics'> {
    return {
      analysedRows: 1000,
      labelledRows: 400,
      labelCoverage: 0.4,
      breaches: [],
      driftedFeatures: [],
      predictionDrifted: false,
      dataQualityIncident: false,
      headline: { rmse: 4.25, mae: 3, meanPrediction: 101.5 },
      queryIds: [],
      ...overrides,
    };
  }

  function result(window: TimeWindow, fields: Partial<MonitorWindowResult>): MonitorWindowResult {
    return { model: 'demand', window, runId: 'run', asOf: day('2026-11-27'), status: 'ok', rows: 1000, quarantined: 3, scored: 0, analysis: analysis({}), ...fields };
  }

  const drift: Breach = { kind: 'drift', group: 'feature', subject: 'temperature', metric: 'wasserstein_normed', value: 0.4, threshold: 0.1, excess: 0.3 };
  const rmse: Breach = { kind: 'performance', group: 'performance', subject: 'window', metric: 'rmse', value: 6.5, threshold: 5, excess: 1.5 };
  const week = (first: string, last: string): TimeWindow => ({ start: day(first), end: new Date(Date.parse(day(last)) + 86_400_000).toISOString() });

  const results = [
    result(week('2026-11-14', '2026-11-20'), {}),
    result(week('2026-11-15', '2026-11-21'), {
      analysis: analysis({ breaches: [drift, rmse], driftedFeatures: ['temperature'], predictionDrifted: true, headline: { rmse: 6.5, mae: 5, meanPrediction: 120 } }),
    }),
    result(week('2026-11-16', '2026-11-22'), { status: 'no_data', rows: 0, analysis: null }),
  ];

  function rowsOf(table: string): string[] {
    const lines = table.split('\n');
    assert.match(lines[0] ?? '', /^window\s+status\s+rows/);
    assert.match(lines[1] ?? '', /^-+ /);
    return lines.slice(2);
  }

  it('says how many days a partial window held, in place of its status', () => {
    const partial = result(week('2026-11-10', '2026-11-16'), { analysis: analysis({ coverage: { coveredDays: 1, windowDays: 7, partial: true } }) });
    const full = result(week('2026-11-17', '2026-11-23'), { analysis: analysis({ coverage: { coveredDays: 7, windowDays: 7, partial: false } }) });
    const [first, second] = rowsOf(summaryTable([partial, full]));
    assert.match(first ?? '', /^2026-11-10\.\.2026-11-16\s+partial 1\/7d\s+1000/);
    assert.match(second ?? '', /^2026-11-17\.\.2026-11-23\s+ok\s+1000/);
  });

  it('marks breached and empty windows, and only those', () => {
    const [clean, breached, empty] = rowsOf(summaryTable(results));
    assert.ok(clean !== undefined && breached !== undefined && empty !== undefined);
    assert.doesNotMatch(clean, /<</);
    assert.match(breached, /<<$/);
    assert.match(empty, /<<$/);
  });

  it('shows each window with its drift, performance breaches and headline numbers', () => {
    const [clean, breached, empty] = rowsOf(summaryTable(results));
    assert.match(clean ?? '', /^2026-11-14\.\.2026-11-20\s+ok\s+1000\s+3\s+-\s+40%\s+4\.25\s+101\.5\s+-\s+-\s+-$/);
    assert.match(breached ?? '', /^2026-11-15\.\.2026-11-21\s+ok .*\stemperature,prediction\s+-\s+window\.rmse=6\.5\s+<<$/);
    assert.match(empty ?? '', /^2026-11-16\.\.2026-11-22\s+no_data\s+0\s+3\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+<<$/);
  });

  it('marks the first window holding the drift day', () => {
    const rows = rowsOf(summaryTable(results, { markDay: '2026-11-21' }));
    assert.deepEqual(
      rows.map((row) => row.includes('(drift starts)')),
      [false, true, false],
    );
    assert.match(rows[1] ?? '', /^2026-11-15\.\.2026-11-21 \(drift starts\)/);
  });
});
