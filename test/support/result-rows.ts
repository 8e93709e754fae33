// A monitoring_metrics row of the Athena result tables, for the layout checks and the writes.
import type { Row } from '../../src/domain/sql/row.js';

export const windowStart = '2024-05-01T00:00:00.000Z';

export function metricRow(overrides: Row = {}): Row {
  return {
    window_end: '2024-05-02T00:00:00.000Z',
    as_of: '2024-05-02T06:00:00.000Z',
    run_id: 'run-1',
    group_name: 'feature',
    subject: 'price',
    metric: 'psi',
    value: 0.125,
    threshold: 0.2,
    breached: false,
    model_version: 'v3',
    config_hash: 'abc',
    query_id: null,
    model: 'demand',
    window_start: windowStart,
    ...overrides,
  };
}
