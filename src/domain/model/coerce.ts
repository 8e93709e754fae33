// Explicit type coercion of raw feature values (CSV strings, JSON values) per the contract, so the
// same row means the same thing whether it arrives as text or as typed JSON.
import type { FeatureType } from '../contract/contract.js';
import { isDecimalText } from '../contract/decimal-text.js';

/** A value as received: CSV cells are strings, JSON cells may be numbers, booleans or null. */
export type RawValue = number | string | boolean | null | undefined;
/** A coerced value: number (int/float), boolean (bool), string (category), null when missing. */
export type FeatureValue = number | string | boolean | null;

/** The part of a feature spec coercion needs; both contract specs and artifact encodings fit. */
export interface CoercionSpec {
  name: string;
  type: FeatureType;
  default?: number | string | boolean;
}

export type CoerceResult = { ok: true; values: FeatureValue[] } | { ok: false; problems: string[] };

const trueWords = new Set(['true', '1', 'yes']);
const falseWords = new Set(['false', '0', 'no']);

function show(value: RawValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function isMissing(value: RawValue): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export type ValueResult = { ok: true; value: FeatureValue } | { ok: false; problem: string };

function coercePresent(spec: CoercionSpec, value: Exclude<RawValue, null | undefined>): ValueResult {
  const fail = (): ValueResult => ({ ok: false, problem: `feature "${spec.name}": ${show(value)} is not ${article(spec.type)}` });
  switch (spec.type) {
    case 'int':
    case 'float': {
      let number: number;
      if (typeof value === 'number') number = value;
      // Plain decimal notation only: Number() alone would also accept "0x1F", "Infinity" and " ".
      else if (typeof value === 'string' && isDecimalText(value.trim())) number = Number(value.trim());
      else return fail();
      if (!Number.isFinite(number)) return fail();
      if (spec.type === 'int' && !Number.isInteger(number)) return fail();
      return { ok: true, value: number };
    }
    case 'bool': {
      if (typeof value === 'boolean') return { ok: true, value };
      const word = String(value).trim().toLowerCase();
      if (trueWords.has(word)) return { ok: true, value: true };
      if (falseWords.has(word)) return { ok: true, value: false };
      return fail();
    }
    case 'category':
      return { ok: true, value: String(value).trim() };
  }
}

function article(type: FeatureType): string {
  return type === 'int' ? 'an int' : `a ${type}`;
}

/**
 * Coerces one value. Missing values (null, undefined, blank) take the feature's default when it
 * has one and stay null otherwise; the model imputes those. Ranges are not checked here: range
 * policy (quarantine or not) belongs to the stream validator.
 */
export function coerceValue(spec: CoercionSpec, value: RawValue): ValueResult {
  if (!isMissing(value)) return coercePresent(spec, value as Exclude<RawValue, null | undefined>);
  if (spec.default === undefined) return { ok: true, value: null };
  const coerced = coercePresent(spec, spec.default);
  if (coerced.ok) return coerced;
  return { ok: false, problem: `feature "${spec.name}": default ${show(spec.default)} is not ${article(spec.type)}` };
}

/** Coerces a row given in contract feature order; problems name the feature and the value. */
export function coerceRow(specs: readonly CoercionSpec[], row: readonly RawValue[]): CoerceResult {
  if (row.length !== specs.length) {
    const names = specs.map((spec) => spec.name).join(', ');
    return { ok: false, problems: [`expected ${specs.length} values (${names}), got ${row.length}`] };
  }
  const values: FeatureValue[] = [];
  const problems: string[] = [];
  specs.forEach((spec, index) => {
    const result = coerceValue(spec, row[index]);
    if (result.ok) values.push(result.value);
    else problems.push(result.problem);
  });
  return problems.length === 0 ? { ok: true, values } : { ok: false, problems };
}

/**
 * Orders a record keyed by feature name into contract order. Absent keys are missing values;
 * keys that are not features are reported, since a misspelt name would otherwise be silently
 * imputed.
 */
export function rowFromRecord(
  specs: readonly CoercionSpec[],
  record: Readonly<Record<string, RawValue>>,
): { ok: true; row: RawValue[] } | { ok: false; problems: string[] } {
  const known = new Set(specs.map((spec) => spec.name));
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    return { ok: false, problems: unknown.map((key) => `unknown feature "${key}"`) };
  }
  return { ok: true, row: specs.map((spec) => (Object.hasOwn(record, spec.name) ? record[spec.name] : undefined)) };
}
