// Classifies AWS SDK failures for Temporal: the SDK has already retried throttling, 5xx and network
// errors up to its maxAttempts, so what reaches here is either exhausted-transient (retry later)
// or a request AWS will keep refusing (fail the step with a message naming what was asked).
import { NonRetryableError, RetryableError } from '../../domain/errors.js';

/** SDK attempts per call (first try + retries) before an error reaches the caller. */
export const AWS_MAX_ATTEMPTS = 4;

interface ServiceErrorShape {
  name?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  code?: unknown;
}

const throttlingNames = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
]);

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function classifyAwsError(error: unknown, what: string): RetryableError | NonRetryableError {
  if (error instanceof RetryableError || error instanceof NonRetryableError) return error;
  const shape: ServiceErrorShape = typeof error === 'object' && error !== null ? error : {};
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${what}: ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`;
  if (throttlingNames.has(name) || status === 429) return new RetryableError(message, 'THROTTLED', { cause: error });
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) return new RetryableError(message, 'HTTP_5XX', { cause: error });
  if ((typeof shape.code === 'string' && networkCodes.has(shape.code)) || name === 'TimeoutError') {
    return new RetryableError(message, 'CONNECTION', { cause: error });
  }
  if (status === 403 || /AccessDenied|Unauthorized|InvalidClientTokenId|SignatureDoesNotMatch|AuthorizationError/.test(name)) {
    return new NonRetryableError(message, 'FORBIDDEN', { cause: error });
  }
  if (status === 404 || /NotFound/.test(name)) return new NonRetryableError(message, 'NOT_FOUND', { cause: error });
  if (status !== undefined && status >= 400) return new NonRetryableError(message, 'INVALID_INPUT', { cause: error });
  // No HTTP answer and no known network code (e.g. a request the SDK refused to serialize).
  return new NonRetryableError(message, 'INVALID_INPUT', { cause: error });
}
