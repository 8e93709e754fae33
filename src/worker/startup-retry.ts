// The worker's start-up work against the warehouse (result tables, BI views: dozens of Athena
// statements, each polled) is tried again while it fails for a reason that passes: a throttled or
// reset call that outlasted the SDK's own retries. Exiting on it would leave the task queue
// unpolled until something restarts the worker; a failure that will not pass (a refused
// statement, a missing permission) still stops the start at once, with its message.
import pRetry from 'p-retry';
import type { LoadedConfig } from '../config/load.js';
import type { BiViewOptions } from '../domain/dashboard/bi-views.js';
import { isRetryable, messageOf } from '../domain/errors.js';
import { biViewLinks } from './bi-view-links.js';

export interface StartupRetryOptions {
  /** Tries after the first (default 6: about a minute and a half of waiting in all). */
  retries?: number;
  /** Wait before the first retry, doubled each time up to maxWaitMs. */
  firstWaitMs?: number;
  maxWaitMs?: number;
  /** Where each failed try is reported (default: stderr, one line). */
  report?: (line: string) => void;
}

export function retryingAtStartup<T>(what: string, work: () => Promise<T>, options: StartupRetryOptions = {}): Promise<T> {
  const report = options.report ?? ((line: string) => console.error(line));
  return pRetry(work, {
    retries: options.retries ?? 6,
    minTimeout: options.firstWaitMs ?? 1_000,
    maxTimeout: options.maxWaitMs ?? 30_000,
    factor: 2,
    randomize: true,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (isRetryable(error) && retriesLeft > 0) report(`vigil: ${what} failed on try ${attemptNumber} (${messageOf(error)}); trying again`);
    },
  });
}

/** The result tables and BI views the worker writes and serves, made or brought up to date before it polls. */
export function prepareResultTables(warehouse: { ensureResultTables(views: BiViewOptions): Promise<void> }, loaded: LoadedConfig): Promise<void> {
  return retryingAtStartup('preparing the result tables and views', () => warehouse.ensureResultTables(biViewLinks(loaded)));
}
