// One feature of a record converted as the SQL converts it (source-rows.ts: castFeature,
// missingValue, defaultLiteral): trimmed text, NULL when empty; numbers in plain decimal notation
// and finite, an int integral; a bool one of the portable words; a category its text.
import { ContractError, type FeatureSpec, type FeatureType } from './contract.js';
import { finiteDecimal } from './decimal-text.js';
import { columnText, numberText, trimmedText } from './record-text.js';

export type FeatureValue = number | string | boolean;

/** Missing (null, absent or blank) with no default, or present and not of the feature's type. */
export type Problem = { kind: 'missing' } | { kind: 'type'; raw: string };

export interface FeaturePlan {
  name: string;
  type: FeatureType;
  /** The contract default as the SQL's literal has it; undefined when there is none. */
  fallback: FeatureValue | undefined;
  missingReason: string;
  typeErrorPrefix: string;
  typeErrorSuffix: string;
}

const typeWords: Record<FeatureType, string> = { float: 'a float', int: 'an int', bool: 'a bool', category: 'a category' };
// The spellings the SQL dialect's portable boolean accepts (after trim and lower()).
const trueWords = new Set(['true', '1', 'yes']);
const falseWords = new Set(['false', '0', 'no']);

/** defaultLiteral's value, with its errors: Number() of a string for numbers, exact words for bools. */
function fallbackOf(feature: FeatureSpec): FeatureValue | undefined {
  const value = feature.default;
  if (value === undefined) return undefined;
  const refuse = (what: string): never => {
    const message = `default ${JSON.stringify(value)} of ${feature.type} feature "${feature.name}" is not ${what}`;
    throw new ContractError(message, [message]);
  };
  switch (feature.type) {
    case 'float':
    case 'int': {
      const number = typeof value === 'number' ? value : Number(value);
      return typeof value === 'boolean' || !Number.isFinite(number) ? refuse('a number') : number;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      return value === 'true' || value === 'false' ? value === 'true' : refuse('a boolean');
    case 'category':
      return String(value);
  }
}

export function planFeatures(features: readonly FeatureSpec[]): FeaturePlan[] {
  return features.map((feature) => ({
    name: feature.name,
    type: feature.type,
    fallback: fallbackOf(feature),
    missingReason: `${feature.name}: missing`,
    typeErrorPrefix: `${feature.name}: "`,
    typeErrorSuffix: `" is not ${typeWords[feature.type]}`,
  }));
}

export type FeatureCheck = { ok: true; value: FeatureValue } | { ok: false; problem: Problem };

const missing: FeatureCheck = { ok: false, problem: { kind: 'missing' } };

function typeError(raw: string): FeatureCheck {
  return { ok: false, problem: { kind: 'type', raw } };
}

/** A JSON number read as a number column: finite, and integral for an int (-0 is written "0"). */
function fromNumber(plan: FeaturePlan, value: number): FeatureCheck {
  if (!Number.isFinite(value) || (plan.type === 'int' && !Number.isInteger(value))) return typeError(numberText(value));
  return { ok: true, value: value + 0 };
}

function fromText(plan: FeaturePlan, raw: string): FeatureCheck {
  switch (plan.type) {
    case 'float':
    case 'int': {
      const number = finiteDecimal(raw);
      if (number === null || (plan.type === 'int' && !Number.isInteger(number))) return typeError(raw);
      return { ok: true, value: number };
    }
    case 'bool': {
      if (raw.length > 5) return typeError(raw);
      const word = raw.toLowerCase();
      if (trueWords.has(word)) return { ok: true, value: true };
      return falseWords.has(word) ? { ok: true, value: false } : typeError(raw);
    }
    case 'category':
      return { ok: true, value: raw };
  }
}

/** The feature's value in a record (undefined when absent), converted, or why not. */
export function checkFeature(plan: FeaturePlan, value: unknown): FeatureCheck {
  if (typeof value === 'number' && plan.type !== 'category' && plan.type !== 'bool') return fromNumber(plan, value);
  if (typeof value === 'boolean' && plan.type === 'bool') return { ok: true, value };
  const raw = typeof value === 'string' ? trimmedText(value) : trimmedText(columnText(value));
  if (raw === null) return plan.fallback === undefined ? missing : { ok: true, value: plan.fallback };
  return fromText(plan, raw);
}
