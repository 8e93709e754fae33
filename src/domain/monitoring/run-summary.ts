// The summary a monitoring run keeps in monitoring_runs.summary (JSON text): built by the step that
// records the run, read back by the drift trigger. One schema for both, so what is read is what
// was written, and a stored summary that does not match says which field is wrong.
import { z } from 'zod';
import type { BreachKind, PreparedWindow, WindowAnalysis } from './types.js';

const breachKinds = ['drift', 'performance', 'bias', 'quality', 'no_data'] as const satisfies readonly BreachKind[];

const finiteOrNull = z.number().nullable();

export const runSummarySchema = z.object({
  breaches: z.number().int().nonnegative(),
  // Runs recorded before the summary named the kinds of their breaches have none.
  breachKinds: z.array(z.enum(breachKinds)).default([]),
  predictionDrifted: z.boolean(),
  dataQualityIncident: z.boolean(),
  headline: z.object({ rmse: finiteOrNull, mae: finiteOrNull, meanPrediction: finiteOrNull }).nullable(),
  modelVersions: z.array(z.string()),
  // The reference drift and bias were measured against (null: the window had no analysis, or
  // the run was recorded before references followed the serving version).
  reference: z.object({ kind: z.enum(['baseline', 'training-window']), version: z.string().optional() }).nullable().default(null),
  // Days of the window holding rows (null: no analysis, or recorded before coverage was measured).
  coverage: z
    .object({ coveredDays: z.number().int().nonnegative(), windowDays: z.number().int().positive(), partial: z.boolean() })
    .nullable()
    .default(null),
  // Bytes the warehouse read to prepare and analyse the window, where it bills by them (Athena, $5
  // per TB); null locally, and for runs recorded before it was kept.
  bytesScanned: z.number().nonnegative().nullable().default(null),
});

export type RunSummary = z.infer<typeof runSummarySchema>;

export class RunSummaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSummaryError';
  }
}

/** JSON has no NaN or Infinity: a value without a number is stored as null, as JSON.stringify would. */
function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** The summary of a recorded run; an empty window has no analysis. */
export function runSummary(prepared: PreparedWindow, analysis: Omit<WindowAnalysis, 'metrics'> | undefined): RunSummary {
  const headline = analysis?.headline;
  return {
    breaches: analysis?.breaches.length ?? 0,
    breachKinds: [...new Set((analysis?.breaches ?? []).map((breach) => breach.kind))],
    predictionDrifted: analysis?.predictionDrifted ?? false,
    dataQualityIncident: analysis?.dataQualityIncident ?? false,
    headline: headline === undefined ? null : { rmse: finite(headline.rmse), mae: finite(headline.mae), meanPrediction: finite(headline.meanPrediction) },
    modelVersions: prepared.modelVersions,
    reference: analysis?.reference ?? null,
    coverage: analysis?.coverage ?? null,
    bytesScanned: prepared.bytesScanned === undefined && analysis?.bytesScanned === undefined ? null : (prepared.bytesScanned ?? 0) + (analysis?.bytesScanned ?? 0),
  };
}

/** The text stored in monitoring_runs.summary, checked against the schema it is read back with. */
export function encodeRunSummary(summary: RunSummary): string {
  return JSON.stringify(parsed(summary));
}

/** A stored summary, or a RunSummaryError naming what is not JSON or which field does not fit. */
export function decodeRunSummary(text: string): RunSummary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RunSummaryError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return parsed(json);
}

function parsed(value: unknown): RunSummary {
  const result = runSummarySchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length === 0 ? '(the summary)' : issue.path.join('.')}: ${issue.message}`);
  throw new RunSummaryError(problems.join('; '));
}
