// The retry policy of short activity steps, shared by the workflows. An AWS call inside a step has
// already been tried AWS_MAX_ATTEMPTS times by the SDK's retry strategy: with these attempts the two
// bound together to at most 4 x 5 calls before a step fails for good.
import type { RetryPolicy } from '@temporalio/workflow';

export const stepRetry: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 };
