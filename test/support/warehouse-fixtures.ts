// Shared by the SQL and DuckDB warehouse tests: source tables shaped like a model's production log,
// labels and baseline, loaded through the port, and the query input that points at them.
import { type DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type FeatureContract, type FeatureContractJson, parseContract } from '../../src/domain/contract/contract.js';
import { duckdbDialect } from '../../src/domain/sql/dialect.js';
import { type BuiltQuery, type MonitoringQueryInput } from '../../src/domain/sql/monitoring-queries.js';
import { type Cell, type Row } from '../../src/domain/sql/row.js';

/** Monday 2024-06-03 to Monday 2024-06-10: a week, so the weekend facet has both groups. */
export const testWindow = { start: '2024-06-03T00:00:00Z', end: '2024-06-10T00:00:00Z' };
export const asOf = '2024-06-20T00:00:00Z';

/** The i-th event time inside the window, one minute apart, starting Monday 00:00 UTC. */
export function eventTime(index: number): string {
  return new Date(Date.parse(testWindow.start) + index * 60_000).toISOString();
}

export function contractOf(json: Omit<FeatureContractJson, 'feature_schema_version'>): FeatureContract {
  return parseContract({ feature_schema_version: 1, ...json });
}

export function tablesOf(model: string): MonitoringQueryInput['tables'] {
  return {
    productionLog: `${model}_production_log`,
    labels: `${model}_labels`,
    baseline: `${model}_baseline`,
    scoredPredictions: 'scored_predictions',
  };
}

export function inputOf(contract: FeatureContract, extra: Partial<MonitoringQueryInput> = {}): MonitoringQueryInput {
  return { contract, tables: tablesOf(contract.model), window: testWindow, dialect: duckdbDialect, ...extra };
}

export type ColumnKind = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMP';

/**
 * Creates the three source tables of a contract's model. Features are typed per `featureKind`
 * (VARCHAR mimics a CSV read as text, DOUBLE a Parquet column); event times are ISO text.
 */
export async function createSources(
  warehouse: DuckDbWarehouse,
  contract: FeatureContract,
  featureKind: (name: string) => ColumnKind = () => 'VARCHAR',
): Promise<void> {
  const tables = tablesOf(contract.model);
  const features = contract.features.map((f) => `"${f.name}" ${featureKind(f.name)}`);
  const ddl = (name: string, columns: string[]): string => `CREATE OR REPLACE TABLE "${name}" (${columns.join(', ')})`;
  await warehouse.execute(
    ddl(tables.productionLog, ['record_id VARCHAR', 'event_time VARCHAR', ...features, 'prediction DOUBLE', 'model_version VARCHAR']),
  );
  await warehouse.execute(ddl(tables.labels, ['record_id VARCHAR', 'label DOUBLE', 'label_time VARCHAR']));
  await warehouse.execute(ddl(tables.baseline, ['event_time VARCHAR', ...features, 'prediction DOUBLE', 'label DOUBLE']));
  await warehouse.ensureResultTables();
}

/** Replaces all rows of a table through the port (an empty key matches every row). */
export async function load(warehouse: DuckDbWarehouse, table: string, rows: Row[]): Promise<void> {
  await warehouse.replaceRows(table, {}, rows);
}

export function productionRow(index: number, features: Record<string, Cell>, prediction: number | null): Row {
  return { record_id: `r${index}`, event_time: eventTime(index), ...features, prediction, model_version: 'v1' };
}

export function baselineRow(index: number, features: Record<string, Cell>, prediction: number | null, label: number | null): Row {
  return { event_time: new Date(Date.parse('2024-01-01T00:00:00Z') + index * 60_000).toISOString(), ...features, prediction, label };
}

export async function rowsOf(warehouse: DuckDbWarehouse, query: BuiltQuery): Promise<Row[]> {
  return (await warehouse.query(query.sql, { label: query.label })).rows;
}

/** |actual - expected| within a relative tolerance (absolute near zero). */
export function close(actual: number | null, expected: number, relative = 1e-9): boolean {
  return actual !== null && Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected));
}
