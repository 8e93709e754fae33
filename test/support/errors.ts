// Predicates for assert.throws / assert.rejects on the domain's classified errors.
import { NonRetryableError } from '../../src/domain/errors.js';

/** A NonRetryableError whose message matches `pattern` (and whose code is `code`, when given). */
export function isNonRetryable(pattern: RegExp, code?: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof NonRetryableError && pattern.test(error.message) && (code === undefined || error.code === code);
}
