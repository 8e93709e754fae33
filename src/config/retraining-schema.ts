// The retraining and deploy part of a model's config: when to retrain (schedule, drift trigger),
// on what data, the champion/challenger gate, the approval deadline and the smoke test bounds.
import { z } from 'zod';
import { durationSchema as duration } from './duration.js';

// The activities read retraining durations through this module.

export const retrainingSchema = z
  .object({
    /** Days of labelled production rows the candidate is trained on. */
    trainingDays: z.number().int().min(1).max(365).default(21),
    /**
     * Where a triggered retraining's training window starts. `window`: `trainingDays` before its
     * end. `breach`: no earlier than the first day of the breaches that triggered it (the newest
     * day of the oldest breached window), so a candidate learns the new regime only, not a mix of
     * the old and the new; the reference it is monitored against then holds the new regime too.
     * Scheduled and manual retrainings always use `window`.
     */
    trainingStart: z.enum(['window', 'breach']).default('window'),
    /** The most recent days, held out: champion and challenger are both evaluated on them. */
    holdoutDays: z.number().int().min(1).max(60).default(3),
    /**
     * 1: the holdout days are not trained on (a time split). Below 1: that share of the recent
     * days' rows, by record-id hash, is held out and the rest trained on, so a candidate can learn
     * from the newest data and still be judged on rows it never saw.
     */
    holdoutShare: z.number().gt(0).max(1).default(1),
    /** The candidate's holdout RMSE may exceed the champion's by at most this fraction. */
    tolerance: z.number().min(0).max(1).default(0.05),
    ridgeAlpha: z.number().positive().default(1),
    /** Weekly or monthly retraining, as a cron in `timezone`; omit for triggers only. */
    schedule: z.object({ cron: z.string().min(9), timezone: z.string().default('UTC') }).strict().optional(),
    trigger: z
      .object({
        enabled: z.boolean().default(true),
        k: z.number().int().min(1).default(3),
        n: z.number().int().min(1).default(5),
        on: z.array(z.enum(['drift', 'performance', 'bias'])).min(1).default(['drift', 'performance']),
        cooldown: duration.default('7d'),
      })
      .strict()
      .prefault({})
      .refine((trigger) => trigger.k <= trigger.n, { message: 'k must not exceed n', path: ['k'] }),
    approvalTimeout: duration.default('24h'),
    smoke: z
      .object({
        requests: z.number().int().min(1).max(100).default(20),
        rowsPerRequest: z.number().int().min(1).max(1000).default(5),
        p50Ms: z.number().positive().default(200),
        p95Ms: z.number().positive().default(500),
        maxMs: z.number().positive().default(2000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type RetrainingConfig = z.output<typeof retrainingSchema>;
