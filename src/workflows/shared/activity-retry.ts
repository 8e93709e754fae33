// The retry policies of activity steps, shared by the workflows. An AWS call inside a step has
// already been tried AWS_MAX_ATTEMPTS times by the SDK's retry strategy: with these attempts the two
// bound together to at most 4 x 5 calls (4 x 10 for long steps) before a step fails for good.
import type { RetryPolicy } from '@temporalio/workflow';

/** Short steps: a lookup, a write, a message. */
export const stepRetry: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 };

/**
 * Long steps that heartbeat (warehouse analysis, scoring, endpoint moves, training waits): a retry
 * resumes from the heartbeat. A worker lost mid-step costs an attempt too, and long steps are the
 * ones a crash also takes down beside the step it hit: ten attempts outlast about 20 minutes of a
 * crash-looping worker or a throttled service.
 */
export const longStepRetry: RetryPolicy = { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 };

/** Moving an endpoint holds a deploy mid-way: retried sooner than other long steps. */
export const endpointMoveRetry: RetryPolicy = { ...longStepRetry, maximumInterval: '2 minutes' };

/** Following a training run of hours: a wait resumes where it was, so more attempts only cost time. */
export const trainingWaitRetry: RetryPolicy = { ...longStepRetry, maximumAttempts: 20 };

/** The daily run's own lookups: it runs again tomorrow, so a few quick attempts do. */
export const dailyStepRetry: RetryPolicy = { maximumAttempts: 3 };

/**
 * The heartbeat timeout of every step. The worker heartbeats each running activity every second
 * (src/worker/activity-pulse.ts), so a step whose worker died (killed, out of memory, host lost) is
 * retried on another worker after this long, whatever its start-to-close timeout.
 */
export const workerLossTimeout = '10 seconds';
