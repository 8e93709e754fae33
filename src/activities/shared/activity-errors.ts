// Maps classified errors onto Temporal failures: what retrying cannot fix fails the step at once,
// with a message that names the model, window and cause.
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../../config/load.js';
import { ContractError } from '../../domain/contract/contract.js';
import { NonRetryableError, RetryableError } from '../../domain/errors.js';
import { RowDecodeError } from '../../domain/sql/decode.js';
import { SqlBuildError } from '../../domain/sql/sql-text.js';
import { unknownModelMessage } from '../../config/models.js';
import type { VigilConfig } from '../../config/schema.js';

export async function classified<T>(context: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toFailure(context, error);
  }
}

export function toFailure(context: string, error: unknown): Error {
  if (error instanceof ApplicationFailure) return error;
  const message = `${context}: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof NonRetryableError) return ApplicationFailure.create({ message, type: error.code, nonRetryable: true, cause: error });
  if (error instanceof RetryableError) return ApplicationFailure.create({ message, type: error.code, nonRetryable: false, cause: error });
  for (const [type, kind] of [
    [ContractError, 'INVALID_CONTRACT'],
    [ConfigError, 'INVALID_CONFIG'],
    [SqlBuildError, 'INVALID_QUERY'],
    [RowDecodeError, 'UNEXPECTED_RESULT'],
  ] as const) {
    if (error instanceof type) return ApplicationFailure.create({ message, type: kind, nonRetryable: true, cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}

export function unknownModel(model: string, config: VigilConfig): ApplicationFailure {
  return ApplicationFailure.create({
    message: unknownModelMessage(model, config),
    type: 'UNKNOWN_MODEL',
    nonRetryable: true,
  });
}
