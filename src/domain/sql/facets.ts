// Per-group sums for bias drift across facets, in the window (labels as of a time) and in the
// baseline: `weekend` (ISO day 6-7 of event_time, in UTC, vs weekdays) and any categorical or bool
// feature named in the config. src/domain/stats/facet-gaps.ts turns them into gaps.
import { byPosition, crossWithPositions } from './unpivot.js';
import { type Row } from './row.js';
import { type FacetGroupSums } from '../stats/facet-gaps.js';
import { type SqlDialect } from './dialect.js';
import { RowDecodeError, countCell, decodeRows, nullableNumber, textCell } from './decode.js';
import {
  type BuiltQuery,
  type CheckedInput,
  type MonitoringQueryInput,
  categoricalFeatures,
  checkInput,
  featureColumn as fc,
  withCtes,
} from './query-input.js';
import { type PerformanceScope, performanceScopes } from './performance.js';
import { baselineRowsCte, labelsAsOfCte, windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export const weekendFacet = 'weekend';

export interface FacetGroup {
  scope: PerformanceScope;
  facet: string;
  /** 'weekend' | 'weekday' for the weekend facet, else the category ('true'/'false' for bools). */
  group: string;
  /** Valid rows of the group. */
  rows: number;
  /** Rows with a prediction, and Σ prediction over them (label or not). */
  predictionRows: number;
  sumPredictionAll: number | null;
  /** Sums over the group's labelled rows; `rows` there is the labelled row count. */
  sums: FacetGroupSums;
  sumAbsError: number | null;
  sumLabel: number | null;
}

interface FacetSpec {
  name: string;
  /** Expression over facet_base giving the group text (NULL: no group). */
  group: (d: SqlDialect) => string;
  /** Feature column facet_base must carry, if any. */
  column?: string;
}

function facetSpecs(input: CheckedInput, facets: readonly string[]): FacetSpec[] {
  const categorical = new Map(categoricalFeatures(input.contract).map((f) => [f.name, f]));
  return [...new Set(facets)].map((name): FacetSpec => {
    const feature = categorical.get(name);
    if (feature !== undefined) {
      const column = fc.value(feature.name);
      return {
        name,
        column,
        group: (d) =>
          feature.type === 'bool'
            ? `(CASE WHEN ${d.ident(column)} THEN 'true' WHEN NOT ${d.ident(column)} THEN 'false' END)`
            : d.ident(column),
      };
    }
    if (name === weekendFacet) {
      return {
        name,
        group: (d) => {
          const time = d.ident('event_time');
          return `(CASE WHEN ${time} IS NULL THEN NULL WHEN ${d.isoDayOfWeek(time)} IN (6, 7) THEN 'weekend' ELSE 'weekday' END)`;
        },
      };
    }
    throw new SqlBuildError(`facet "${name}" is neither "${weekendFacet}" nor a categorical or bool feature of ${input.contract.model}`);
  });
}

export function facetSql(input: MonitoringQueryInput, options: { asOf: string; facets: readonly string[] }): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const specs = facetSpecs(checked, options.facets);
  if (specs.length === 0) throw new SqlBuildError('facet query needs at least one facet');
  const columns = specs.flatMap((s) => (s.column === undefined ? [] : [s.column]));
  const windowColumns = ['event_time', 'prediction', ...columns].map((c) => `wr.${id(c)}`);
  const baselineColumns = ['event_time', 'prediction', ...columns, 'label'].map((c) => id(c));
  const facetBase =
    `facet_base AS (\n  SELECT 'window' AS ${id('scope')}, ${[...windowColumns, `la.${id('label')}`].join(', ')}\n` +
    `  FROM window_rows AS wr\n  LEFT JOIN labels_as_of AS la ON la.${id('record_id')} = wr.${id('record_id')}\n` +
    `  WHERE wr.${id('is_valid')}\n  UNION ALL\n` +
    `  SELECT 'baseline', ${baselineColumns.join(', ')}\n  FROM baseline_rows\n)`;
  // facet_base read once, a row per facet (see unpivot.ts).
  const facetRows =
    `  SELECT ${id('scope')}, ${byPosition(d, specs.map((s, position) => [position, d.string(s.name)]))} AS ${id('facet')}, ` +
    `${byPosition(d, specs.map((s, position) => [position, s.group(d)]))} AS ${id('facet_group')}, ` +
    `${id('prediction')}, ${id('label')}, ${id('prediction')} - ${id('label')} AS ${id('err')}\n  FROM facet_base ${crossWithPositions(d, specs.map((_, position) => position))}`;
  const ctes = [
    windowRowsCte(checked),
    baselineRowsCte(checked),
    labelsAsOfCte(checked, options.asOf),
    facetBase,
    `facet_rows AS (\n${facetRows}\n)`,
  ];
  const labelled = (expr: string): string => `sum(CASE WHEN ${id('err')} IS NOT NULL THEN ${expr} END)`;
  const body = [
    `SELECT`,
    `  ${id('scope')},`,
    `  ${id('facet')},`,
    `  ${id('facet_group')},`,
    `  count(*) AS ${id('row_count')},`,
    `  count(${id('prediction')}) AS ${id('prediction_rows')},`,
    `  sum(${id('prediction')}) AS ${id('sum_prediction_all')},`,
    `  count(${id('err')}) AS ${id('labelled_rows')},`,
    `  ${labelled(id('prediction'))} AS ${id('sum_prediction')},`,
    `  sum(${id('err')}) AS ${id('sum_error')},`,
    `  sum(abs(${id('err')})) AS ${id('sum_abs_error')},`,
    `  sum(${id('err')} * ${id('err')}) AS ${id('sum_squared_error')},`,
    `  ${labelled(id('label'))} AS ${id('sum_label')}`,
    `FROM facet_rows`,
    `WHERE ${id('facet_group')} IS NOT NULL`,
    `GROUP BY ${id('scope')}, ${id('facet')}, ${id('facet_group')}`,
    `ORDER BY ${id('scope')}, ${id('facet')}, ${id('facet_group')}`,
  ].join('\n');
  return { sql: withCtes(ctes, body), label: `facets:${checked.contract.model}` };
}

export function decodeFacets(rows: readonly Row[]): FacetGroup[] {
  return decodeRows(rows, 'facets', (row, at) => {
    const scopeText = textCell(row, 'scope', at);
    const scope = performanceScopes.find((s) => s === scopeText);
    if (scope === undefined) throw new RowDecodeError(`${at.label} row ${at.index}: unknown scope "${scopeText}"`);
    return {
      scope,
      facet: textCell(row, 'facet', at),
      group: textCell(row, 'facet_group', at),
      rows: countCell(row, 'row_count', at),
      predictionRows: countCell(row, 'prediction_rows', at),
      sumPredictionAll: nullableNumber(row, 'sum_prediction_all', at),
      sums: {
        rows: countCell(row, 'labelled_rows', at),
        sumPrediction: nullableNumber(row, 'sum_prediction', at),
        sumError: nullableNumber(row, 'sum_error', at),
        sumSquaredError: nullableNumber(row, 'sum_squared_error', at),
      },
      sumAbsError: nullableNumber(row, 'sum_abs_error', at),
      sumLabel: nullableNumber(row, 'sum_label', at),
    };
  });
}
