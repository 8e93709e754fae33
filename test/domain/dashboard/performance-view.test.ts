// The performance view keeps each window's evaluations: labels arrive after a window, so its RMSE
// and coverage change from one as-of to the next, and the dashboard shows that trail.
import assert from 'node:assert/strict';
import type { MetricRow, PerformanceHistoryRow } from '../../../src/domain/dashboard/metric-rows.js';
import { performanceView } from '../../../src/domain/dashboard/views.js';

const window = (end: string, asOf: string, metric: string, value: number): MetricRow => ({
  windowStart: '2026-10-01T00:00:00.000Z',
  windowEnd: end,
  asOf,
  group: 'performance',
  subject: 'window',
  metric,
  value,
  threshold: null,
  breached: false,
  modelVersion: 'v1',
});

describe('performanceView: a window at each evaluation', () => {
  it('lists every as-of of a window, oldest first, with the latest equal to the point', () => {
    const end = '2026-10-08T00:00:00.000Z';
    const rows = [window(end, '2026-10-10T00:00:00.000Z', 'rmse', 8.4), window(end, '2026-10-10T00:00:00.000Z', 'label_coverage', 1)];
    const history: PerformanceHistoryRow[] = [
      { windowEnd: end, asOf: '2026-10-10T00:00:00.000Z', metric: 'rmse', value: 8.4 },
      { windowEnd: end, asOf: '2026-10-10T00:00:00.000Z', metric: 'label_coverage', value: 1 },
      { windowEnd: end, asOf: '2026-10-08T00:00:00.000Z', metric: 'rmse', value: 9.1 },
      { windowEnd: end, asOf: '2026-10-08T00:00:00.000Z', metric: 'label_coverage', value: 0.3 },
      { windowEnd: end, asOf: '2026-10-09T00:00:00.000Z', metric: 'label_coverage', value: 0.7 },
      { windowEnd: '2026-10-09T00:00:00.000Z', asOf: '2026-10-09T00:00:00.000Z', metric: 'rmse', value: 7 },
    ];
    const [point] = performanceView(rows, {}, history).points;
    assert.ok(point !== undefined);
    assert.deepEqual(
      point.history.map((entry) => [entry.asOf.slice(0, 10), entry.rmse, entry.labelCoverage]),
      [
        ['2026-10-08', 9.1, 0.3],
        ['2026-10-09', null, 0.7],
        ['2026-10-10', 8.4, 1],
      ],
    );
    assert.equal(point.history.at(-1)?.asOf, point.asOf);
  });

  it('has an empty history where none was recorded (results written before it was kept)', () => {
    const [point] = performanceView([window('2026-10-08T00:00:00.000Z', '2026-10-08T00:00:00.000Z', 'rmse', 8)], {}).points;
    assert.deepEqual(point?.history, []);
  });
});
