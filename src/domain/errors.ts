// Error classification shared by adapters and activities: whether retrying can help decides how
// Temporal treats the failure (retry with backoff, or fail the step with a clear message).

export interface ClassifiedErrorOptions {
  cause?: unknown;
}

/** A transient failure (5xx, throttling, timeout, connection refused): retrying may succeed. */
export class RetryableError extends Error {
  readonly retryable = true;

  constructor(
    message: string,
    /** Stable machine-readable code, e.g. "HTTP_5XX", "CONNECTION", "TIMEOUT". */
    readonly code: string,
    options: ClassifiedErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableError';
  }
}

/** A failure retrying cannot fix (validation, not found, forbidden): fail with the message. */
export class NonRetryableError extends Error {
  readonly retryable = false;

  constructor(
    message: string,
    /** Stable machine-readable code, e.g. "NOT_FOUND", "INVALID_INPUT". */
    readonly code: string,
    options: ClassifiedErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NonRetryableError';
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof RetryableError;
}

/** An error's message, or the thrown value as text when it is not an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
