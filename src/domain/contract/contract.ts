// The feature contract: the single source of truth for a model's feature names, their order,
// their types and coercion, defaults and allowed values. Scoring payloads, SQL column lists and
// per-feature statistics are all derived from it.
import { z } from 'zod';
import { finiteDecimal } from './decimal-text.js';

export const featureTypes = ['int', 'float', 'category', 'bool'] as const;

/** The column a row's contract version is stamped in (by the stream path, by producers that know it). */
export const schemaVersionColumn = 'feature_schema_version';
/** Columns the stream path stamps on every row: no feature or contract column may take their names. */
export const stampColumns: readonly string[] = [schemaVersionColumn, 'contract_hash', 'stream_sequence'];
export type FeatureType = (typeof featureTypes)[number];

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a SQL-safe identifier (letters, digits, underscore)');

const featureSpecSchema = z
  .object({
    name: identifier,
    type: z.enum(featureTypes),
    /** Value used when the feature is missing (null, undefined or empty string). */
    default: z.union([z.number(), z.string(), z.boolean()]).optional(),
    /** Inclusive allowed range for int and float features. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Known categories for category features; others are "unseen", counted, not rejected. */
    categories: z.array(z.string()).optional(),
    /**
     * The value is a function of the event's date: 'weekday' for a day of week (any coding). Drift
     * then compares rows per day of each value rather than raw shares, over the values both
     * periods' calendars hold, so a 7-day window against a month with five Mondays is not drift.
     */
    calendar: z.enum(['weekday']).optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const numeric = spec.type === 'int' || spec.type === 'float';
    if (!numeric && (spec.min !== undefined || spec.max !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `min/max apply only to int and float features, not ${spec.type}` });
    }
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
      ctx.addIssue({ code: 'custom', message: `min ${spec.min} is greater than max ${spec.max}` });
    }
    if (spec.calendar !== undefined && spec.type !== 'int' && spec.type !== 'category') {
      ctx.addIssue({ code: 'custom', message: `calendar applies only to int and category features, not ${spec.type}` });
    }
    if (spec.type !== 'category' && spec.categories !== undefined) {
      ctx.addIssue({ code: 'custom', message: `categories apply only to category features, not ${spec.type}` });
    }
    const problem = defaultProblem(spec.type, spec.default);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: problem });
  });

/**
 * Why a default cannot stand in for a missing value, if it cannot: it must be a value the feature
 * would accept (an int whole, a number finite or in plain decimal text, a bool true or false), or
 * a filled-in row would hold what a received one never could.
 */
function defaultProblem(type: (typeof featureTypes)[number], value: number | string | boolean | undefined): string | undefined {
  if (value === undefined || type === 'category') return undefined;
  const shown = JSON.stringify(value);
  if (type === 'bool') return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : `default ${shown} of a bool feature is not true or false`;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? finiteDecimal(value.trim()) : null;
  if (number === null || !Number.isFinite(number)) return `default ${shown} of ${type === 'int' ? 'an int' : 'a float'} feature is not a number`;
  if (type === 'int' && !Number.isInteger(number)) return `default ${shown} of an int feature is not whole`;
  return undefined;
}

export const contractSchema = z
  .object({
    model: identifier,
    feature_schema_version: z.number().int().positive(),
    /**
     * Earlier feature_schema_versions whose rows this contract reads as its own. A row or record
     * stamped with any other version is quarantined (monitoring, training, the stream). List a
     * version only when `vigil contract diff OLD NEW` finds NEW backward compatible with it.
     */
    compatible_versions: z.array(z.number().int().positive()).optional(),
    columns: z
      .object({
        record_id: identifier.default('record_id'),
        event_time: identifier.default('event_time'),
        prediction: identifier.default('prediction'),
        model_version: identifier.default('model_version'),
        label: identifier.default('label'),
        label_time: identifier.default('label_time'),
      })
      .strict()
      .default({
        record_id: 'record_id',
        event_time: 'event_time',
        prediction: 'prediction',
        model_version: 'model_version',
        label: 'label',
        label_time: 'label_time',
      }),
    /** Sanity range of a prediction: smoke tests and monitoring flag values outside it. */
    prediction_range: z.object({ min: z.number(), max: z.number() }).strict().optional(),
    features: z.array(featureSpecSchema).min(1),
  })
  .strict()
  .superRefine((contract, ctx) => {
    const seen = new Set<string>();
    const reserved = new Set([...Object.values(contract.columns), ...stampColumns]);
    for (const [index, version] of (contract.compatible_versions ?? []).entries()) {
      if (version >= contract.feature_schema_version) {
        ctx.addIssue({ code: 'custom', path: ['compatible_versions', index], message: `${version} is not an earlier version than feature_schema_version ${contract.feature_schema_version}` });
      }
    }
    for (const [name, column] of Object.entries(contract.columns)) {
      if (stampColumns.includes(column)) ctx.addIssue({ code: 'custom', path: ['columns', name], message: `"${column}" is the name of a column Vigil stamps on rows` });
    }
    contract.features.forEach((feature, index) => {
      if (seen.has(feature.name)) {
        ctx.addIssue({ code: 'custom', path: ['features', index, 'name'], message: `duplicate feature "${feature.name}"` });
      }
      if (reserved.has(feature.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', index, 'name'],
          message: `feature "${feature.name}" collides with a reserved column name`,
        });
      }
      seen.add(feature.name);
    });
  });

export type FeatureContractJson = z.input<typeof contractSchema>;
export type FeatureContract = z.output<typeof contractSchema>;
export type FeatureSpec = FeatureContract['features'][number];

export function isNumeric(feature: FeatureSpec): boolean {
  return feature.type === 'int' || feature.type === 'float';
}

/** Drift compares the values as numbers (KS, Wasserstein, bins); calendar features are compared as values. */
export function driftsAsNumbers(feature: FeatureSpec): boolean {
  return isNumeric(feature) && feature.calendar === undefined;
}

/** The versions whose rows the contract reads: its own, then the compatible earlier ones. */
export function readableVersions(contract: FeatureContract): number[] {
  return [contract.feature_schema_version, ...new Set(contract.compatible_versions ?? [])];
}

/** Feature names in contract order: the order of every scoring payload and SQL column list. */
export function featureOrder(contract: FeatureContract): string[] {
  return contract.features.map((feature) => feature.name);
}

export class ContractError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Parses a contract; throws a ContractError listing every problem with its path. */
export function parseContract(json: unknown, source = 'contract'): FeatureContract {
  const result = contractSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  throw new ContractError(`${source} is not a valid feature contract:\n  ${problems.join('\n  ')}`, problems);
}
