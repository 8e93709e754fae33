// Data quality per feature over the window's (sampled) rows: counts of missing values, type errors
// and out-of-range values over all rows; moments and quantiles over valid rows only.
import { type FeatureSpec, type FeatureType, featureTypes, isNumeric } from '../contract/contract.js';
import { type Row } from './row.js';
import { type SqlDialect } from './dialect.js';
import { countCell, decodeRows, nullableNumber, textCell, RowDecodeError } from './decode.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, featureColumn as fc, withCtes } from './query-input.js';
import { windowRowsCte } from './source-rows.js';
import { byPosition, crossWithPositions } from './unpivot.js';
import { type NumericDistance } from './distance.js';

export interface FeatureQuality {
  feature: string;
  type: FeatureType;
  /** Rows of the (sampled) window, valid or not. */
  rows: number;
  validRows: number;
  /** Null or empty before the default was applied. */
  missing: number;
  typeErrors: number;
  /** Valid rows outside the contract's min/max, or with a category not in its list. */
  outOfRange: number;
  /** Over valid rows; null for non-numeric features or when there are none. */
  mean: number | null;
  std: number | null;
  p5: number | null;
  p50: number | null;
  p95: number | null;
  /** The reference rows' p5, p50 and p95, where the distance query measured them. */
  baselineBand?: { p5: number | null; p50: number | null; p95: number | null };
}

function outOfRange(d: SqlDialect, feature: FeatureSpec): string {
  const value = d.ident(fc.value(feature.name));
  if (isNumeric(feature)) {
    const parts = [
      ...(feature.min === undefined ? [] : [`${value} < ${d.double(feature.min)}`]),
      ...(feature.max === undefined ? [] : [`${value} > ${d.double(feature.max)}`]),
    ];
    return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
  }
  if (feature.type === 'category' && feature.categories !== undefined) {
    if (feature.categories.length === 0) return 'TRUE';
    return `${value} NOT IN (${feature.categories.map((c) => d.string(c)).join(', ')})`;
  }
  return 'FALSE';
}

/** The aggregates of one feature, named `{position}_{figure}` in the one pass over the window. */
function qualityAggregates(d: SqlDialect, feature: FeatureSpec, position: number, withQuantiles: boolean): [string, string][] {
  const id = d.ident;
  const count = (condition: string): string => `coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
  const valid = `(CASE WHEN ${id('is_valid')} THEN ${id(fc.value(feature.name))} END)`;
  const numeric = isNumeric(feature);
  const stat = (expr: string): string => (numeric ? expr : 'CAST(NULL AS DOUBLE)');
  const quantile = (p: number): string => (withQuantiles ? stat(d.quantile(valid, p)) : 'CAST(NULL AS DOUBLE)');
  const figures: [string, string][] = [
    ['missing', count(id(fc.missing(feature.name)))],
    ['type_errors', count(id(fc.typeError(feature.name)))],
    ['out_of_range', count(`${id('is_valid')} AND ${outOfRange(d, feature)}`)],
    ['mean', stat(`avg(${valid})`)],
    ['std', stat(d.stddevSamp(valid))],
    ['p5', quantile(0.05)],
    ['p50', quantile(0.5)],
    ['p95', quantile(0.95)],
  ];
  return figures.map(([figure, expr]) => [figure, `${expr} AS ${id(`f${position}_${figure}`)}`]);
}

/**
 * One row per feature, in contract order. Features in `quantilesElsewhere` get NULL quantiles: the
 * distance query sorts their values anyway and reports them (see withWindowQuantiles).
 *
 * Every figure of every feature comes from one aggregate over the window, turned into a row per
 * feature (see unpivot.ts).
 */
export function qualitySql(input: MonitoringQueryInput, options: { quantilesElsewhere?: ReadonlySet<string> } = {}): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const elsewhere = options.quantilesElsewhere ?? new Set<string>();
  const features = checked.contract.features.map((feature, position) => ({ feature, position, figures: qualityAggregates(d, feature, position, !elsewhere.has(feature.name)) }));
  const aggregates = [
    `count(*) AS ${id('row_count')}`,
    `coalesce(sum(CASE WHEN ${id('is_valid')} THEN 1 ELSE 0 END), 0) AS ${id('valid_rows')}`,
    ...features.flatMap(({ figures }) => figures.map(([, expr]) => expr)),
  ];
  const perFeature = (figure: string): string => `${byPosition(d, features.map(({ position }) => [position, `w.${id(`f${position}_${figure}`)}`]))} AS ${id(figure)}`;
  const text = (pick: (feature: FeatureSpec) => string, name: string): string => `${byPosition(d, features.map(({ feature, position }) => [position, d.string(pick(feature))]))} AS ${id(name)}`;
  const body = [
    `SELECT`,
    `  ${text((feature) => feature.name, 'feature')},`,
    `  ${text((feature) => feature.type, 'feature_type')},`,
    `  w.${id('row_count')}, w.${id('valid_rows')},`,
    `  ${['missing', 'type_errors', 'out_of_range', 'mean', 'std', 'p5', 'p50', 'p95'].map(perFeature).join(',\n  ')}`,
    `FROM (\n  SELECT\n    ${aggregates.join(',\n    ')}\n  FROM window_rows\n) AS w`,
    crossWithPositions(d, features.map(({ position }) => position)),
    `ORDER BY p.${id('position')}`,
  ].join('\n');
  return { sql: withCtes([windowRowsCte(checked)], body), label: `quality:${checked.contract.model}` };
}

function featureType(value: string, label: string, index: number): FeatureType {
  const found = featureTypes.find((type) => type === value);
  if (found === undefined) throw new RowDecodeError(`${label} row ${index}: unknown feature_type "${value}"`);
  return found;
}

export function decodeQuality(rows: readonly Row[]): FeatureQuality[] {
  return decodeRows(rows, 'quality', (row, at) => ({
    feature: textCell(row, 'feature', at),
    type: featureType(textCell(row, 'feature_type', at), at.label, at.index),
    rows: countCell(row, 'row_count', at),
    validRows: countCell(row, 'valid_rows', at),
    missing: countCell(row, 'missing', at),
    typeErrors: countCell(row, 'type_errors', at),
    outOfRange: countCell(row, 'out_of_range', at),
    mean: nullableNumber(row, 'mean', at),
    std: nullableNumber(row, 'std', at),
    p5: nullableNumber(row, 'p5', at),
    p50: nullableNumber(row, 'p50', at),
    p95: nullableNumber(row, 'p95', at),
  }));
}

/** Quality rows with p5/p50/p95 taken from the distance query's window quantiles where it has them. */
export function withWindowQuantiles(quality: readonly FeatureQuality[], distances: readonly NumericDistance[]): FeatureQuality[] {
  const bySubject = new Map(distances.map((distance) => [distance.subject, distance]));
  return quality.map((row) => {
    const distance = bySubject.get(row.feature);
    if (distance === undefined) return row;
    const [p5 = null, p50 = null, p95 = null] = distance.currentQuantiles;
    const [baselineP5 = null, baselineP50 = null, baselineP95 = null] = distance.baselineBand;
    return { ...row, p5, p50, p95, baselineBand: { p5: baselineP5, p50: baselineP50, p95: baselineP95 } };
  });
}
