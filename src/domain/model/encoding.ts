// Turns coerced feature values into the numeric vector the linear model sees. The statistics come
// from the training data and travel inside the artifact, so serving encodes exactly as training did.
import type { FeatureSpec } from '../contract/contract.js';
import type { FeatureValue } from './coerce.js';

type Default = number | string | boolean;

export interface NumericEncoding {
  name: string;
  type: 'int' | 'float';
  default?: Default;
  /** Training mean: also the imputed value when a feature without default is missing. */
  mean: number;
  /** Training standard deviation (1 when the feature was constant, to avoid dividing by zero). */
  std: number;
}

export interface BoolEncoding {
  name: string;
  type: 'bool';
  default?: Default;
  /** Share of true in training: the imputed value when missing. */
  mean: number;
}

export interface CategoryEncoding {
  name: string;
  type: 'category';
  default?: Default;
  /** Categories seen in training, one indicator column each; others encode as all zeros. */
  categories: string[];
}

export type FeatureEncoding = NumericEncoding | BoolEncoding | CategoryEncoding;

function withDefault<T extends object>(spec: FeatureSpec, encoding: T): T & { default?: Default } {
  return spec.default === undefined ? encoding : { ...encoding, default: spec.default };
}

function present<T extends FeatureValue>(rows: readonly FeatureValue[][], index: number, guard: (value: FeatureValue) => value is T): T[] {
  const values: T[] = [];
  for (const row of rows) {
    const value = row[index] ?? null;
    if (guard(value)) values.push(value);
  }
  return values;
}

const isNumber = (value: FeatureValue): value is number => typeof value === 'number';
const isBoolean = (value: FeatureValue): value is boolean => typeof value === 'boolean';
const isString = (value: FeatureValue): value is string => typeof value === 'string';

function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function std(values: readonly number[], center: number): number {
  if (values.length === 0) return 1;
  const variance = values.reduce((sum, value) => sum + (value - center) ** 2, 0) / values.length;
  const deviation = Math.sqrt(variance);
  return deviation > 1e-12 ? deviation : 1;
}

function orderedCategories(spec: FeatureSpec, seen: ReadonlySet<string>): string[] {
  // Contract order first (stable across retrains), then categories the contract does not list.
  const declared = (spec.categories ?? []).filter((category) => seen.has(category));
  const declaredSet = new Set(declared);
  const extra = [...seen].filter((category) => !declaredSet.has(category)).sort();
  return [...declared, ...extra];
}

/** Learns the encoding from coerced training rows (contract order). */
export function fitEncoding(specs: readonly FeatureSpec[], rows: readonly FeatureValue[][]): FeatureEncoding[] {
  return specs.map((spec, index): FeatureEncoding => {
    switch (spec.type) {
      case 'int':
      case 'float': {
        const values = present(rows, index, isNumber);
        const center = mean(values);
        return withDefault(spec, { name: spec.name, type: spec.type, mean: center, std: std(values, center) });
      }
      case 'bool': {
        const values = present(rows, index, isBoolean).map((value) => (value ? 1 : 0));
        return withDefault(spec, { name: spec.name, type: 'bool' as const, mean: mean(values) });
      }
      case 'category': {
        const seen = new Set(present(rows, index, isString));
        return withDefault(spec, { name: spec.name, type: 'category' as const, categories: orderedCategories(spec, seen) });
      }
    }
  });
}

/** Names of the encoded columns, e.g. "price", "store_type=mall": labels for coefficients. */
export function encodedColumnNames(encoding: readonly FeatureEncoding[]): string[] {
  return encoding.flatMap((feature) =>
    feature.type === 'category' ? feature.categories.map((category) => `${feature.name}=${category}`) : [feature.name],
  );
}

export function encodedWidth(encoding: readonly FeatureEncoding[]): number {
  return encoding.reduce((width, feature) => width + (feature.type === 'category' ? feature.categories.length : 1), 0);
}

/** Encodes one coerced row (contract order); missing values impute the training mean / no category. */
export function encodeRow(encoding: readonly FeatureEncoding[], row: readonly FeatureValue[]): number[] {
  const vector: number[] = [];
  encoding.forEach((feature, index) => {
    const value = row[index] ?? null;
    switch (feature.type) {
      case 'int':
      case 'float':
        vector.push(typeof value === 'number' ? (value - feature.mean) / feature.std : 0);
        break;
      case 'bool':
        vector.push(typeof value === 'boolean' ? (value ? 1 : 0) : feature.mean);
        break;
      case 'category':
        for (const category of feature.categories) vector.push(value === category ? 1 : 0);
        break;
    }
  });
  return vector;
}
