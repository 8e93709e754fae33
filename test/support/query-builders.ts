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

/** What the builders' extra arguments default to: the fixtures' (warehouse-fixtures.ts). */
export interface BuilderSettings {
  asOf: string;
  facets: readonly string[];
  bins: number;
  /** Where rows-to-score pages start (after this record id). */
  afterRecordId?: string;
  /** The window facets are measured over, when not the window itself. */
  facetWindow?: MonitoringQueryInput['window'];
}

const fixtureSettings: BuilderSettings = { asOf, facets: ['weekend', 'region', 'promo'], bins: 10, afterRecordId: 'r9' };

/** The builders with their extra arguments fixed; `binEdges` are the edges per subject the bin counts use. */
export function monitoringQueryBuilders(binEdges: ReadonlyMap<string, readonly number[]>, settings: BuilderSettings = fixtureSettings): Record<string, QueryBuilder> {
  const { facets, bins, afterRecordId, facetWindow } = settings;
  const at = settings.asOf;
  return {
    summary: windowSummarySql,
    quality: qualitySql,
    distance: (input) => numericDistanceSql(input, bins),
    'bin-edges': (input) => baselineQuantilesSql(input, bins),
    'bin-counts': (input) => binCountsSql(input, binEdges),
    categories: categoryCountsSql,
    performance: (input) => performanceSql(input, { asOf: at }),
    facets: (input) => facetSql(facetWindow === undefined ? input : { ...input, window: facetWindow }, { asOf: at, facets }),
    quarantine: (input) => quarantineSql(input, { quarantinedAt: at }).select,
    'rows-to-score': (input) => rowsToScoreSql(input, { limit: 500, ...(afterRecordId === undefined ? {} : { afterRecordId }) }),
  };
}
