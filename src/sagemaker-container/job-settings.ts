// The text settings SageMaker hands a job (training hyperparameters, processing environment
// variables), checked field by field: a bad one fails the job with one line naming the field and
// the value it had, which is what SageMaker then shows as the job's failure reason.
import { z } from 'zod';
import { isDecimalText } from '../domain/contract/decimal-text.js';
import { isoUtc } from '../domain/sql/sql-text.js';
import { JobInputError } from './job-failure.js';

/** Model ids and version names as the rest of Vigil takes them. */
export const nameText = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'must be letters, digits, ".", "_" or "-" (at most 128)')
  .refine((value) => !value.includes('..'), 'must not hold ".."');

export const instantText = z.string().transform((value, context) => {
  try {
    return isoUtc(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be an ISO-8601 date or a date-time with a zone (Z or ±hh:mm)' });
    return z.NEVER;
  }
});

export const shareText = z
  .string()
  .refine(isDecimalText, 'must be a number in (0, 1]')
  .transform(Number)
  .refine((share) => share > 0 && share <= 1, 'must be a number in (0, 1]');

export const alphaText = z
  .string()
  .refine(isDecimalText, 'must be a number >= 0')
  .transform(Number)
  .refine((alpha) => Number.isFinite(alpha) && alpha >= 0, 'must be a finite number >= 0');

/**
 * Parses `values` (what the job was given) with `schema`; the first problem becomes a JobInputError
 * like `hyperparameter alpha is "-1": must be a finite number >= 0`.
 */
export function parseSettings<T extends z.ZodType>(schema: T, values: Record<string, unknown>, kind: string): z.output<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const field = String(issue?.path[0] ?? '');
  const value = values[field];
  if (field === '') throw new JobInputError(`${kind}s: ${issue?.message ?? 'invalid'}`);
  if (value === undefined) throw new JobInputError(`${kind} ${field} is missing`);
  throw new JobInputError(`${kind} ${field} is ${JSON.stringify(value)}: ${issue?.message ?? 'invalid'}`);
}

/** A window's two ends, which parse alone, must also come in order. */
export function checkWindow(kind: string, names: [string, string], window: { start: string; end: string }): void {
  if (window.start >= window.end) {
    throw new JobInputError(`${kind}s ${names[0]} ${JSON.stringify(window.start)} and ${names[1]} ${JSON.stringify(window.end)}: the start is not before the end`);
  }
}
