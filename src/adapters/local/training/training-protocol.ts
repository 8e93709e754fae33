// What the worker and the training process say to each other over the IPC channel. Every message
// is checked on arrival: the other side is another process, so a type is not a guarantee.
import { z } from 'zod';

export const metricsSchema = z.object({
  rows: z.number(),
  rmse: z.number().nullable(),
  mae: z.number().nullable(),
  basis: z.enum(['artifact', 'logged-predictions']).optional(),
});

export const resultSchema = z.object({
  artifactUri: z.string(),
  trainingRows: z.number(),
  scoredRowsUri: z.string().optional(),
  candidate: metricsSchema,
  champion: metricsSchema.optional(),
});
export type TrainingResult = z.infer<typeof resultSchema>;

const windowSchema = z.object({ start: z.string(), end: z.string() });

/** One training run, as the worker hands it over: the rows are already in Parquet files. */
export const jobSchema = z.object({
  /** The feature contract as JSON; the training process parses it again. */
  contract: z.unknown(),
  version: z.string(),
  trainingWindow: windowSchema,
  asOf: z.string(),
  alpha: z.number().optional(),
  championVersion: z.string().optional(),
  files: z.object({ training: z.string(), holdout: z.string() }),
  artifactPath: z.string(),
  championArtifactPath: z.string().optional(),
});
export type TrainingJob = z.infer<typeof jobSchema>;

export const toTrainerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: jobSchema }),
  /** The worker wrote (or found identical) the artifact the trainer sent: scoring may go on. */
  z.object({ type: z.literal('artifact-written') }),
]);
export type ToTrainer = z.infer<typeof toTrainerSchema>;

export const fromTrainerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), pid: z.number().int().positive() }),
  z.object({ type: z.literal('step'), text: z.string() }),
  /** The artifact's exact file text: the worker writes it, since only it may claim the version. */
  z.object({ type: z.literal('artifact'), text: z.string() }),
  z.object({ type: z.literal('result'), result: resultSchema, peakRssMb: z.number() }),
  /** `explained`: the message is a failure reason as it stands (a StepFailure). */
  z.object({ type: z.literal('failed'), message: z.string(), explained: z.boolean() }),
]);
export type FromTrainer = z.infer<typeof fromTrainerSchema>;
