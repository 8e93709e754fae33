// The result tables, defined once and rendered as DDL for both engines with the same columns in the
// same order. Instants are ISO-8601 UTC text ("2024-05-01T00:00:00.000Z"): Hive partition values
// on S3 are strings, text sorts chronologically, and it reads the same in both engines. Athena
// partition columns must come last, so every table lists its partition keys last in both engines.
import { type DdlType, type SqlDialect } from './dialect.js';
import { SqlBuildError, assertIdentifier, stringLiteral } from './sql-text.js';

export interface ColumnSpec {
  readonly name: string;
  readonly type: DdlType;
  readonly nullable: boolean;
  /** What a text column holds, beyond "text". */
  readonly format?: 'iso-time' | 'json';
}

export interface TableSpec {
  readonly name: ResultTable;
  /** Storage order; partition keys are the trailing columns. */
  readonly columns: readonly ColumnSpec[];
  /** Hive partitions on Athena (a plain table in DuckDB). */
  readonly partitionKeys: readonly string[];
}

export const resultTableNames = [
  'monitoring_metrics',
  'performance_history',
  'monitoring_runs',
  'quarantine',
  'scored_predictions',
  'deployments',
  'audit_events',
  'model_costs',
] as const;
export type ResultTable = (typeof resultTableNames)[number];

const text = (name: string, nullable = false): ColumnSpec => ({ name, type: 'text', nullable });
const time = (name: string, nullable = false): ColumnSpec => ({ name, type: 'text', nullable, format: 'iso-time' });
const json = (name: string, nullable = false): ColumnSpec => ({ name, type: 'text', nullable, format: 'json' });
const double = (name: string, nullable = false): ColumnSpec => ({ name, type: 'double', nullable });
const bigint = (name: string, nullable = false): ColumnSpec => ({ name, type: 'bigint', nullable });
const boolean = (name: string, nullable = false): ColumnSpec => ({ name, type: 'boolean', nullable });

export const resultTables: Readonly<Record<ResultTable, TableSpec>> = {
  monitoring_metrics: {
    name: 'monitoring_metrics',
    columns: [
      time('window_end'),
      time('as_of'),
      text('run_id'),
      /** 'feature' | 'prediction' | 'performance' | 'facet' | 'quality' (see domain/monitoring). */
      text('group_name'),
      /** Feature or facet name ("prediction" for prediction drift, "model" for overall metrics). */
      text('subject'),
      text('metric'),
      double('value', true),
      double('threshold', true),
      boolean('breached'),
      text('model_version', true),
      text('config_hash'),
      text('query_id', true),
      text('model'),
      time('window_start'),
    ],
    partitionKeys: ['model', 'window_start'],
  },
  /**
   * A window's performance at each evaluation: monitoring_metrics keeps a window's latest rows,
   * while labels arriving later change its performance; each re-evaluation (another as_of) adds
   * its rows here, a rerun at the same as_of replaces them.
   */
  performance_history: {
    name: 'performance_history',
    columns: [
      time('window_end'),
      time('as_of'),
      text('run_id'),
      text('metric'),
      double('value', true),
      double('threshold', true),
      boolean('breached'),
      text('model_version', true),
      text('model'),
      time('window_start'),
    ],
    partitionKeys: ['model', 'window_start'],
  },
  monitoring_runs: {
    name: 'monitoring_runs',
    columns: [
      time('window_end'),
      text('run_id'),
      time('as_of'),
      /** 'ok' | 'no_data' | 'failed'. */
      text('status'),
      bigint('rows'),
      bigint('sampled_rows'),
      bigint('quarantined_rows'),
      bigint('labelled_rows'),
      /** Names of the drifted features, comma-separated ('' when none). */
      text('drifted_features'),
      text('model_version', true),
      text('config_hash'),
      time('started_at'),
      time('finished_at', true),
      json('summary', true),
      text('model'),
      time('window_start'),
    ],
    partitionKeys: ['model', 'window_start'],
  },
  quarantine: {
    name: 'quarantine',
    columns: [
      time('window_end'),
      text('record_id', true),
      text('reason'),
      json('raw_record'),
      time('quarantined_at'),
      text('model'),
      time('window_start'),
    ],
    partitionKeys: ['model', 'window_start'],
  },
  scored_predictions: {
    name: 'scored_predictions',
    columns: [
      text('record_id'),
      double('prediction'),
      text('model_version', true),
      text('endpoint'),
      time('scored_at'),
      text('model'),
    ],
    partitionKeys: ['model'],
  },
  deployments: {
    name: 'deployments',
    columns: [
      text('id'),
      time('at'),
      text('model_version'),
      text('endpoint'),
      /** 'staging' | 'production'. */
      text('stage'),
      /** 'deploy' | 'promote' | 'rollback'. */
      text('action'),
      /** 'deployed' | 'smoke-failed' | 'rolled-back' | 'rollback-failed'. */
      text('status'),
      text('previous_version', true),
      text('workflow_id', true),
      text('run_id', true),
      json('detail', true),
      text('model'),
    ],
    partitionKeys: ['model'],
  },
  audit_events: {
    name: 'audit_events',
    columns: [
      text('id'),
      time('at'),
      text('actor'),
      text('action'),
      text('model', true),
      json('detail', true),
      text('workflow_id', true),
      text('run_id', true),
    ],
    partitionKeys: [],
  },
  model_costs: {
    name: 'model_costs',
    columns: [
      /** YYYY-MM-DD (UTC). */
      text('day'),
      /** 'cost-explorer' (charged under the vigil:model tag) | 'athena-monitoring' (the model's monitoring scans). */
      text('source'),
      double('amount'),
      text('unit'),
      bigint('bytes_scanned', true),
      bigint('runs', true),
      time('recorded_at'),
      /** The model, or "(untagged)" for cost without a vigil:model tag. */
      text('model'),
    ],
    partitionKeys: ['model'],
  },
};

export function tableColumns(table: ResultTable): readonly ColumnSpec[] {
  return resultTables[table].columns;
}

export interface TableDdlOptions {
  /** Athena database (Glue) the table belongs to; DuckDB uses the current schema. */
  database?: string;
  /** Athena only: S3 prefix under which each table gets its own folder ("s3://bucket/vigil/"). */
  location?: string;
}

function athenaLocation(root: string | undefined, table: string): string {
  if (root === undefined || !/^s3:\/\/[^/]+/.test(root)) {
    throw new SqlBuildError(`Athena table ${table} needs an s3:// location, got ${String(root)}`);
  }
  return `${root.replace(/\/+$/, '')}/${table}/`;
}

/** CREATE TABLE for one result table; safe to run repeatedly (IF NOT EXISTS). */
export function createTableSql(dialect: SqlDialect, table: ResultTable, options: TableDdlOptions = {}): string {
  const spec = resultTables[table];
  const name = (options.database === undefined ? [] : [assertIdentifier(options.database, 'database')])
    .concat(spec.name)
    .map((part) => dialect.ddlIdent(part))
    .join('.');
  const column = (c: ColumnSpec): string =>
    `  ${dialect.ddlIdent(c.name)} ${dialect.ddlType(c.type)}${dialect.name === 'duckdb' && !c.nullable ? ' NOT NULL' : ''}`;
  if (dialect.name === 'duckdb') {
    return `CREATE TABLE IF NOT EXISTS ${name} (\n${spec.columns.map(column).join(',\n')}\n)`;
  }
  // Hive external tables cannot declare NOT NULL: the writers (replaceRows) enforce it instead.
  const dataColumns = spec.columns.filter((c) => !spec.partitionKeys.includes(c.name));
  const partitions = spec.columns.filter((c) => spec.partitionKeys.includes(c.name));
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${name} (\n${dataColumns.map(column).join(',\n')}\n)`,
    ...(partitions.length > 0 ? [`PARTITIONED BY (\n${partitions.map(column).join(',\n')}\n)`] : []),
    'STORED AS PARQUET',
    `LOCATION ${stringLiteral(athenaLocation(options.location, spec.name))}`,
    `TBLPROPERTIES ('parquet.compression'='SNAPPY')`,
  ].join('\n');
}

export function createResultTablesSql(dialect: SqlDialect, options: TableDdlOptions = {}): string[] {
  return resultTableNames.map((table) => createTableSql(dialect, table, options));
}
