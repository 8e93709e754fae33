// One column of a data file as a contract feature: its type from the column's type (text that is
// all numbers or all true/false is typed as such, as `vigil drift` does), its categories when
// few, and a range only on request. Columns that cannot be features say why.
import type { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import type { FeatureContractJson } from '../../domain/contract/contract.js';
import { countTextValues, looksLikeIdName, textOf, valueKind } from './value-kinds.js';

export type FeatureJson = FeatureContractJson['features'][number];
export type InferredColumn = { feature: FeatureJson } | { skipped: string };

export interface FeatureInferenceOptions {
  /** A text column with at most this many distinct values lists them as its categories. */
  maxCategories: number;
  /** Write min/max learned from the file (widened), instead of leaving numbers unbounded. */
  ranges: boolean;
}

const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Fewer rows than this say too little to call a column of distinct values an id.
const minRowsForIdGuess = 10;
// The spellings the contract reads as booleans, less 1/0 (those columns are numbers).
const booleanWords = ['true', 'false', 'yes', 'no'];

const integerTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const floatTypes = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
const timeTypes = /^(DATE|TIME|TIMESTAMP|INTERVAL).*/;

export async function inferFeature(
  warehouse: DuckDbWarehouse,
  view: string,
  column: { name: string; type: string },
  options: FeatureInferenceOptions,
): Promise<InferredColumn> {
  const { name, type } = column;
  if (!plainIdentifier.test(name)) return { skipped: 'its name is not a plain identifier (letters, digits, underscore)' };
  if (looksLikeIdName(name)) return { skipped: 'it looks like an id (by its name)' };
  if (timeTypes.test(type)) return { skipped: 'it holds timestamps or dates' };
  const counts = await countTextValues(warehouse, [view], name);
  if (counts.filled === 0) return { skipped: 'every value is empty' };
  if (integerTypes.test(type)) return numericFeature(warehouse, view, name, 'int', options);
  if (floatTypes.test(type)) return numericFeature(warehouse, view, name, 'float', options);
  if (type === 'BOOLEAN') return { feature: { name, type: 'bool' } };
  if (type !== 'VARCHAR') return { skipped: `its type ${type} is not a number, a boolean or text` };
  const kind = valueKind(counts);
  if (kind === 'timestamp') return { skipped: 'it holds timestamps or dates' };
  if (kind === 'numeric') return numericFeature(warehouse, view, name, (await allIntegers(warehouse, view, name)) ? 'int' : 'float', options);
  return textFeature(warehouse, view, name, counts.filled, options);
}

async function textFeature(warehouse: DuckDbWarehouse, view: string, name: string, filled: number, options: FeatureInferenceOptions): Promise<InferredColumn> {
  const text = textOf(warehouse, name);
  const words = booleanWords.map((word) => warehouse.sql.string(word)).join(', ');
  const { rows } = await warehouse.query(
    `SELECT count(DISTINCT ${text}) AS distinct_values, count(*) FILTER (WHERE ${text} IS NOT NULL AND lower(${text}) NOT IN (${words})) AS non_boolean FROM ${view}`,
  );
  const distinct = Number(rows[0]?.distinct_values ?? 0);
  if (Number(rows[0]?.non_boolean ?? 1) === 0) return { feature: { name, type: 'bool' } };
  if (distinct === filled && filled >= minRowsForIdGuess) return { skipped: `every one of its ${filled} values is different (it looks like an id)` };
  if (distinct > options.maxCategories) return { feature: { name, type: 'category' } };
  const listed = await warehouse.query(`SELECT DISTINCT ${text} AS value FROM ${view} WHERE ${text} IS NOT NULL ORDER BY value`);
  return { feature: { name, type: 'category', categories: listed.rows.map((row) => String(row.value)) } };
}

async function allIntegers(warehouse: DuckDbWarehouse, view: string, name: string): Promise<boolean> {
  const number = `TRY_CAST(${textOf(warehouse, name)} AS DOUBLE)`;
  const { rows } = await warehouse.query(`SELECT count(*) FILTER (WHERE ${number} <> floor(${number})) AS fractional FROM ${view}`);
  return Number(rows[0]?.fractional ?? 1) === 0;
}

async function numericFeature(
  warehouse: DuckDbWarehouse,
  view: string,
  name: string,
  type: 'int' | 'float',
  options: FeatureInferenceOptions,
): Promise<InferredColumn> {
  if (!options.ranges) return { feature: { name, type } };
  const number = `TRY_CAST(${textOf(warehouse, name)} AS DOUBLE)`;
  const { rows } = await warehouse.query(`SELECT min(${number}) AS low, max(${number}) AS high FROM ${view} WHERE isfinite(${number})`);
  const [low, high] = [rows[0]?.low, rows[0]?.high];
  if (typeof low !== 'number' || typeof high !== 'number') return { feature: { name, type } };
  return { feature: { name, type, ...widenedRange(low, high, type) } };
}

/**
 * The observed range widened by half its width on each side: a sample's extremes are not the
 * population's, and a range too tight quarantines legitimate rows. A column never negative in the
 * sample is not allowed negative values either.
 */
export function widenedRange(low: number, high: number, type: 'int' | 'float'): { min: number; max: number } {
  const margin = (high > low ? high - low : Math.max(Math.abs(high), 1)) / 2;
  const min = low >= 0 ? Math.max(0, low - margin) : low - margin;
  const max = high + margin;
  if (type === 'int') return { min: Math.floor(min), max: Math.ceil(max) };
  // Outward to three significant digits of the margin: readable bounds that still hold the sample.
  const exponent = Math.floor(Math.log10(margin)) - 2;
  const step = 10 ** exponent;
  const digits = Math.max(0, -exponent);
  return { min: Number((Math.floor(min / step) * step).toFixed(digits)), max: Number((Math.ceil(max / step) * step).toFixed(digits)) };
}
