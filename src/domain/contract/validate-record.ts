// One record at a time, the decision the SQL quarantine makes for a production-log row (see
// src/domain/sql/source-rows.ts and quarantine.ts): the same coercions, defaults, missing and
// type-error flags, validity and reason text, for a record as it arrives as JSON. The record is
// judged as DuckDB judges it once written with JSON.stringify and loaded as text columns (see
// record-text.ts): a nested object or array is its JSON text, so it is a category's value and a type
// error for a number or a bool. Fields that are not columns of the contract are ignored, as the SQL
// ignores extra columns; an absent field is a null.
import { type FeatureContract, readableVersions, schemaVersionColumn } from './contract.js';
import { eventTimeIso } from './event-time.js';
import { type FeaturePlan, type FeatureValue, type Problem, planFeatures, checkFeature } from './validate-record-features.js';
import { columnText, firstCodePoints, trimmedText } from './record-text.js';
import { finiteDecimal } from './decimal-text.js';

export { type FeatureValue } from './validate-record-features.js';

/** A valid record as the window's rows hold it. */
export interface ValidRow {
  /** Trimmed text of the record id. */
  record_id: string;
  /** ISO-8601 UTC with milliseconds. */
  event_time: string;
  /** The logged prediction when it is a finite number, else null (a bad prediction is not a bad row). */
  prediction: number | null;
  model_version: string | null;
  /** Every feature converted to its type with its default applied, in contract order. */
  features: Record<string, FeatureValue>;
}

export type RecordVerdict =
  | { valid: true; row: ValidRow }
  | {
      valid: false;
      reason: string;
      rawRecord: Readonly<Record<string, unknown>>;
      /** Trimmed text of the record id when it has one. */
      recordId: string | null;
      /** The event time when it places the record in a window (ISO UTC), else null. */
      eventTime: string | null;
    };

export interface RecordValidator {
  readonly contract: FeatureContract;
  validate: (record: Readonly<Record<string, unknown>>) => RecordVerdict;
}

/** Longest raw value quoted in a reason, in code points (the SQL's quotedValueLength). */
export const quotedValueLength = 100;

/** A field's value when the record holds it itself (not one inherited, such as "constructor"). */
function field(record: Readonly<Record<string, unknown>>, name: string): unknown {
  const value = record[name];
  if (value === undefined || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  return Object.hasOwn(record, name) ? value : undefined;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? trimmedText(value) : trimmedText(columnText(value));
}

function loggedPrediction(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  const text = textOf(value);
  return text === null ? null : finiteDecimal(text);
}

/**
 * Where the event time places the row. The SQL has no reason for it: a row whose time does not
 * parse is in no window, so it is never monitored nor quarantined; a stream refuses it instead.
 */
function eventTimeProblem(column: string, value: unknown): { iso: string } | { problem: string } {
  const text = typeof value === 'string' ? value : columnText(value);
  const trimmed = trimmedText(text);
  if (trimmed === null) return { problem: `${column}: missing` };
  const iso = typeof value === 'string' ? eventTimeIso(trimmed) : null;
  return iso === null ? { problem: `${column}: "${firstCodePoints(trimmed, quotedValueLength)}" is not a timestamp` } : { iso };
}

function reasonOf(plans: readonly FeaturePlan[], problems: readonly (Problem | undefined)[], head: readonly string[]): string {
  const parts = [...head];
  plans.forEach((plan, index) => {
    const problem = problems[index];
    if (problem === undefined) return;
    parts.push(problem.kind === 'missing' ? plan.missingReason : `${plan.typeErrorPrefix}${firstCodePoints(problem.raw, quotedValueLength)}${plan.typeErrorSuffix}`);
  });
  return parts.join('; ');
}

/** The reason a stamped contract version is refused for, when it is not one the contract reads. */
export function schemaVersionReason(contract: FeatureContract, quoted: string): string {
  return `${schemaVersionColumn}: "${quoted}" is not a version this contract reads (${readableVersions(contract).join(', ')})`;
}

/** Compiles the contract once; throws a ContractError for a default the SQL would refuse too. */
export function recordValidator(contract: FeatureContract): RecordValidator {
  const plans = planFeatures(contract.features);
  const columns = contract.columns;
  const readable = new Set(readableVersions(contract));
  // A record stamped by its producer must be of a version the contract reads (as a number: "2" and
  // "2.0" alike, as the SQL reads it); an unstamped one is judged as it is.
  const versionProblem = (value: unknown): string | undefined => {
    const text = textOf(value);
    if (text === null) return undefined;
    const version = finiteDecimal(text);
    return version !== null && readable.has(version) ? undefined : schemaVersionReason(contract, firstCodePoints(text, quotedValueLength));
  };
  const validate = (record: Readonly<Record<string, unknown>>): RecordVerdict => {
    const recordId = textOf(field(record, columns.record_id));
    const time = eventTimeProblem(columns.event_time, field(record, columns.event_time));
    const version = versionProblem(field(record, schemaVersionColumn));
    const features: Record<string, FeatureValue> = {};
    let problems: (Problem | undefined)[] | undefined;
    for (let i = 0; i < plans.length; i += 1) {
      const plan = plans[i] as FeaturePlan;
      const checked = checkFeature(plan, field(record, plan.name));
      if (checked.ok) features[plan.name] = checked.value;
      else (problems ??= new Array<Problem | undefined>(plans.length))[i] = checked.problem;
    }
    if (recordId === null || 'problem' in time || version !== undefined || problems !== undefined) {
      const head = [...(recordId === null ? [`${columns.record_id}: missing`] : []), ...('problem' in time ? [time.problem] : []), ...(version === undefined ? [] : [version])];
      const eventTime = 'iso' in time ? time.iso : null;
      return { valid: false, reason: reasonOf(plans, problems ?? [], head), rawRecord: record, recordId, eventTime };
    }
    return {
      valid: true,
      row: {
        record_id: recordId,
        event_time: time.iso,
        prediction: loggedPrediction(field(record, columns.prediction)),
        model_version: textOf(field(record, columns.model_version)),
        features,
      },
    };
  };
  return { contract, validate };
}

const compiled = new WeakMap<FeatureContract, RecordValidator>();

/** Validates one record against the contract (compiled once per contract object). */
export function validateRecord(contract: FeatureContract, record: Readonly<Record<string, unknown>>): RecordVerdict {
  let validator = compiled.get(contract);
  if (validator === undefined) {
    validator = recordValidator(contract);
    compiled.set(contract, validator);
  }
  return validator.validate(record);
}

