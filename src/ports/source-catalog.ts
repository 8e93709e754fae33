// Where a model's input tables are: views over local files (DuckDB) or catalogued tables (Athena).
import type { FeatureContract } from '../domain/contract/contract.js';
import type { MonitoringTables } from '../domain/sql/query-input.js';

export interface SourceCatalog {
  /**
   * The tables the monitoring queries read for a model, checked against its contract: a source
   * that cannot be read or lacks a column fails with a message naming the source and the column.
   */
  tablesFor(contract: FeatureContract): Promise<MonitoringTables>;
}
