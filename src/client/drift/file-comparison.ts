// Compares two data files with the monitoring statistics (`vigil drift`): both files become
// DuckDB views shaped like a baseline and a one-window production log, so the very same SQL and
// domain statistics as the monitoring job produce the numbers.
import { driftsAsNumbers, parseContract, isNumeric, type FeatureContract } from '../../domain/contract/contract.js';
import {
  baselineQuantilesOf,
  binCountsSql,
  categoryCountsSql,
  decodeBinCounts,
  decodeCategoryCounts,
  decodeNumericDistance,
  edgesFromQuantiles,
  numericDistanceSql,
  type MonitoringQueryInput,
} from '../../domain/sql/monitoring-queries.js';
import { categoricalDriftValues, numericDriftValues } from '../../domain/monitoring/drift-values.js';
import { categoricalDrift, numericDrift } from '../../domain/stats/index.js';
import { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import { fileScanSql, type FileSource } from '../../adapters/local/duckdb/warehouse-sources.js';
import { countTextValues, looksLikeIdName, valueKind } from '../onboarding/value-kinds.js';

export interface FeatureComparison {
  name: string;
  kind: 'numeric' | 'categorical';
  ks_statistic?: number | null;
  ks_p_value?: number | null;
  wasserstein?: number | null;
  wasserstein_normed?: number | null;
  psi: number | null;
  js_distance: number | null;
  chi2_statistic?: number | null;
  chi2_p_value?: number | null;
  linf?: number | null;
  drifted: boolean;
  method: string;
  threshold: number;
}

export interface CompareOptions {
  baseline: string;
  current: string;
  /** A parsed contract; otherwise columns whose values all parse as numbers are numeric. */
  contract?: FeatureContract;
  bins?: number;
  numericRule?: { method: 'wasserstein_normed' | 'psi' | 'js_distance' | 'ks_statistic'; threshold: number };
  categoricalRule?: { method: 'js_distance' | 'psi' | 'linf'; threshold: number };
  /** Columns skipped (not in both files, or not usable as names); reported to the user. */
  onSkipped?: (column: string, reason: string) => void;
  /** Per feature, the values left out of its comparison (empty, or not a finite number for a numeric feature). */
  onExcluded?: (feature: string, file: string, excluded: number, total: number) => void;
}

// Reserved names for the columns a production log needs, chosen not to collide with a data column.
const reserved = {
  record_id: 'vigil_record_id',
  event_time: 'vigil_event_time',
  prediction: 'vigil_prediction',
  model_version: 'vigil_model_version',
  label: 'vigil_label',
  label_time: 'vigil_label_time',
};
const windowDay = '2000-01-01';

export function fileSourceOf(path: string): FileSource {
  return { path, format: /\.csv(\.gz)?$/i.test(path) ? 'csv' : 'parquet' };
}

export async function compareFiles(options: CompareOptions): Promise<FeatureComparison[]> {
  const warehouse = await DuckDbWarehouse.open();
  try {
    const q = warehouse.sql.ident;
    await warehouse.execute(`CREATE VIEW b_raw AS SELECT * FROM ${fileScanSql(fileSourceOf(options.baseline))}`);
    await warehouse.execute(`CREATE VIEW c_raw AS SELECT * FROM ${fileScanSql(fileSourceOf(options.current))}`);
    const contract = options.contract ?? (await inferContract(warehouse, options.onSkipped, options));
    await checkContractColumns(warehouse, contract, options);
    const features = contract.features.map((feature) => q(feature.name)).join(', ');
    const time = `TIMESTAMP '${windowDay} 00:00:00'`;
    await warehouse.execute(
      `CREATE VIEW current_log AS SELECT CAST(row_number() OVER () AS VARCHAR) AS ${q(reserved.record_id)}, ${time} AS ${q(reserved.event_time)}, ` +
        `${features}, CAST(NULL AS DOUBLE) AS ${q(reserved.prediction)}, CAST(NULL AS VARCHAR) AS ${q(reserved.model_version)} FROM c_raw`,
    );
    await warehouse.execute(
      `CREATE VIEW baseline_log AS SELECT ${time} AS ${q(reserved.event_time)}, ${features}, ` +
        `CAST(NULL AS DOUBLE) AS ${q(reserved.prediction)}, CAST(NULL AS DOUBLE) AS ${q(reserved.label)} FROM b_raw`,
    );
    await warehouse.execute(
      `CREATE TABLE no_labels (${q(reserved.record_id)} VARCHAR, ${q(reserved.label)} DOUBLE, ${q(reserved.label_time)} TIMESTAMP)`,
    );
    await warehouse.ensureResultTables();
    const input: MonitoringQueryInput = {
      contract: { ...contract, columns: reserved },
      tables: { productionLog: 'current_log', labels: 'no_labels', baseline: 'baseline_log', scoredPredictions: 'scored_predictions' },
      window: { start: `${windowDay}T00:00:00.000Z`, end: '2000-01-02T00:00:00.000Z' },
      dialect: warehouse.sql,
    };
    const bins = options.bins ?? 10;
    const numericRule = options.numericRule ?? { method: 'wasserstein_normed', threshold: 0.1 };
    const categoricalRule = options.categoricalRule ?? { method: 'js_distance', threshold: 0.1 };
    // One feature at a time: a bad cell excludes that value for its own feature, never the row for the others.
    const compared: FeatureComparison[] = [];
    for (const feature of contract.features) {
      const single: MonitoringQueryInput = { ...input, contract: { ...input.contract, features: [feature] } };
      compared.push(await compareFeature(warehouse, single, bins, numericRule, categoricalRule));
      await reportExcluded(warehouse, feature, options);
    }
    return compared;
  } finally {
    await warehouse.close();
  }
}

type NumericRule = NonNullable<CompareOptions['numericRule']>;
type CategoricalRule = NonNullable<CompareOptions['categoricalRule']>;

/** The drift of the one feature of `input`'s contract. */
async function compareFeature(
  warehouse: DuckDbWarehouse,
  input: MonitoringQueryInput,
  bins: number,
  numericRule: NumericRule,
  categoricalRule: CategoricalRule,
): Promise<FeatureComparison> {
  const feature = input.contract.features[0];
  if (feature === undefined) throw new Error('no feature to compare');
  if (driftsAsNumbers(feature)) {
    const distances = decodeNumericDistance((await warehouse.query(numericDistanceSql(input, bins).sql)).rows, bins);
    const edges = edgesFromQuantiles(baselineQuantilesOf(distances));
    const binCounts = decodeBinCounts((await warehouse.query(binCountsSql(input, edges).sql)).rows, edges);
    const distance = distances.find((d) => d.subject === feature.name);
    const counts = binCounts.get(feature.name);
    const drift = numericDrift({
      baselineRows: distance?.n ?? 0,
      currentRows: distance?.m ?? 0,
      ksStatistic: distance?.ksStatistic ?? null,
      wasserstein: distance?.wasserstein ?? null,
      baselineStd: distance?.baselineStd ?? null,
      baselineBinCounts: counts?.baseline ?? [],
      currentBinCounts: counts?.current ?? [],
    });
    const values = numericDriftValues(drift);
    const decisive = values[numericRule.method];
    return { name: feature.name, kind: 'numeric', ...values, drifted: decisive !== null && decisive >= numericRule.threshold, ...numericRule };
  }
  const categories = decodeCategoryCounts((await warehouse.query(categoryCountsSql(input).sql)).rows, input.contract);
  const aligned = categories.get(feature.name);
  const drift = categoricalDrift(aligned?.baselineCounts ?? [], aligned?.currentCounts ?? []);
  const { unseen_share: _unseen, ...values } = categoricalDriftValues(drift);
  const decisive = values[categoricalRule.method];
  return { name: feature.name, kind: 'categorical', ...values, drifted: decisive !== null && decisive >= categoricalRule.threshold, ...categoricalRule };
}

async function reportExcluded(warehouse: DuckDbWarehouse, feature: FeatureContract['features'][number], options: CompareOptions): Promise<void> {
  if (options.onExcluded === undefined) return;
  const text = `NULLIF(trim(CAST(${warehouse.sql.ident(feature.name)} AS VARCHAR)), '')`;
  const bad = isNumeric(feature) ? `${text} IS NULL OR NOT coalesce(isfinite(TRY_CAST(${text} AS DOUBLE)), false)` : `${text} IS NULL`;
  for (const [view, path] of [['b_raw', options.baseline], ['c_raw', options.current]] as const) {
    const { rows } = await warehouse.query(`SELECT count(*) FILTER (WHERE ${bad}) AS excluded, count(*) AS total FROM ${view}`);
    const excluded = Number(rows[0]?.excluded ?? 0);
    if (excluded > 0) options.onExcluded(feature.name, path, excluded, Number(rows[0]?.total ?? 0));
  }
}

/** Every contract feature must be a column of both files; names the feature and the file. */
async function checkContractColumns(warehouse: DuckDbWarehouse, contract: FeatureContract, options: CompareOptions): Promise<void> {
  for (const [view, path] of [['b_raw', options.baseline], ['c_raw', options.current]] as const) {
    const columns = new Set((await warehouse.describe(view)) ?? []);
    for (const feature of contract.features) {
      if (!columns.has(feature.name)) throw new Error(`feature "${feature.name}" of the contract is not a column of ${path}`);
    }
  }
}

/** Columns present in both files; numeric when every non-empty value in both parses as a number. */
async function inferContract(warehouse: DuckDbWarehouse, onSkipped: CompareOptions['onSkipped'], files: { baseline: string; current: string }): Promise<FeatureContract> {
  const baseline = (await warehouse.describe('b_raw')) ?? [];
  const current = new Set((await warehouse.describe('c_raw')) ?? []);
  const features: { name: string; type: 'float' | 'category' }[] = [];
  for (const column of baseline) {
    if (!current.has(column)) {
      onSkipped?.(column, 'only in the baseline file');
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column) || Object.values(reserved).includes(column)) {
      onSkipped?.(column, 'its name is not a plain identifier');
      continue;
    }
    if (looksLikeIdName(column)) {
      onSkipped?.(column, 'it looks like an id (by its name)');
      continue;
    }
    const kind = valueKind(await countTextValues(warehouse, ['b_raw', 'c_raw'], column));
    if (kind === 'timestamp') {
      onSkipped?.(column, 'its values are timestamps or dates');
      continue;
    }
    // A prediction column is numeric whatever its bad cells (they are excluded, not categories).
    features.push({ name: column, type: kind === 'numeric' || column.toLowerCase() === 'prediction' ? 'float' : 'category' });
  }
  for (const column of current) if (!baseline.includes(column)) onSkipped?.(column, 'only in the current file');
  if (features.length === 0) throw new Error(`${files.baseline} and ${files.current}: the two files have no column in common`);
  return parseContract({ model: 'comparison', feature_schema_version: 1, columns: reserved, features }, 'inferred contract');
}
