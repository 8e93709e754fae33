// Every monitoring query by name, so the Athena tests (shape and answers on DuckDB) cover the same set.
import {
  type BuiltQuery,
  baselineQuantilesSql,
  binCountsSql,
  categoryCountsSql,
  facetSql,
  numericDistanceSql,
  performanceSql,
  qualitySql,
  quarantineSql,
  rowsToScoreSql,
  windowSummarySql,
} from '../../src/domain/sql/monitoring-queries.js';
import { type MonitoringQueryInput } from '../../src/domain/sql/query-input.js';
import { asOf } from './warehouse-fixtures.js';

export type QueryBuilder = (input: MonitoringQueryInput) => BuiltQuery;

/** The builders with their extra arguments fixed; `binEdges` are the edges per subject the bin counts use. */
export function monitoringQueryBuilders(binEdges: Map<string, number[]>): Record<string, QueryBuilder> {
  return {
    summary: windowSummarySql,
    quality: qualitySql,
    distance: numericDistanceSql,
    'bin-edges': (input) => baselineQuantilesSql(input, 10),
    'bin-counts': (input) => binCountsSql(input, binEdges),
    categories: categoryCountsSql,
    performance: (input) => performanceSql(input, { asOf }),
    facets: (input) => facetSql(input, { asOf, facets: ['weekend', 'region', 'promo'] }),
    quarantine: (input) => quarantineSql(input, { quarantinedAt: asOf }).select,
    'rows-to-score': (input) => rowsToScoreSql(input, { limit: 500, afterRecordId: 'r9' }),
  };
}
