// A TrainingRequest as SageMaker Pipeline parameters (all strings on the wire), the names that
// identify one candidate's execution, and the evaluation report the pipeline leaves behind.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NonRetryableError } from '../../../../domain/errors.js';
import { isoUtc, normaliseWindow } from '../../../../domain/sql/sql-text.js';
import type { TrainingRequest } from '../../../../ports/training-pipeline.js';

/** The parameters every start sends; the pipeline definition must declare each of them. */
export const PIPELINE_PARAMETER_NAMES = [
  'Model',
  'CandidateVersion',
  'TrainingStart',
  'TrainingEnd',
  'HoldoutStart',
  'HoldoutEnd',
  'HoldoutShare',
  'ChampionVersion',
  'AsOf',
  'OutputPrefix',
  'LabelledRowsUri',
] as const;

/** Trainer settings a request may pass in `parameters`, sent under their own names. */
export const TUNABLE_PARAMETER_NAMES = ['alpha'] as const;

/** Where the evaluation step writes its report, under the execution's OutputPrefix. */
export const EVALUATION_REPORT_NAME = 'evaluation.json';


const metricsSchema = z.object({ rows: z.number().int().nonnegative(), rmse: z.number().nullable(), mae: z.number().nullable() });

/** The report of the pipeline's Evaluate step: the candidate and the champion on one holdout. */
export const evaluationReportSchema = z.object({
  artifactUri: z.string().min(1),
  trainingRows: z.number().int().nonnegative(),
  candidate: metricsSchema,
  // A report written by Python says null where there is no champion.
  champion: metricsSchema.nullish().transform((value) => value ?? undefined),
});
export type EvaluationReport = z.output<typeof evaluationReportSchema>;

const nameRule = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const parameterNameRule = /^[A-Za-z0-9_-]{1,64}$/;
/** SageMaker's limit on one parameter value. */
const maxValueLength = 1024;
/** PipelineExecutionDisplayName: letters, digits and hyphens, at most 82. */
const maxDisplayName = 82;

function invalid(message: string): NonRetryableError {
  return new NonRetryableError(message, 'INVALID_INPUT');
}

export interface S3Location {
  bucket: string;
  /** Key or key prefix, without a leading slash. */
  key: string;
}

export function parseS3Uri(uri: string, what: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (match === null) throw invalid(`${what} "${uri}" is not an s3://bucket/prefix URI`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

/** Where executions write (`outputs`) and where their labelled rows are exported (`inputs`). */
export interface PipelineRoots {
  /** `s3://bucket/prefix`: each execution writes its model and report under `<outputs>/<model>/<candidate>/`. */
  outputs: string;
  /** `s3://bucket/prefix`: each execution's labelled rows (LabelledRowsUri) are `<inputs>/<model>/<candidate>/`. */
  inputs: string;
}

/** `<root>/<model>/<candidate>/`: the execution's outputs (the report among them), or its inputs. */
export function outputPrefix(artifactsRoot: string, model: string, candidateVersion: string): string {
  return `${artifactsRoot.replace(/\/+$/, '')}/${model}/${candidateVersion}/`;
}

function candidateHash(model: string, candidateVersion: string): string {
  return createHash('sha256').update(`${model}\n${candidateVersion}`).digest('hex').slice(0, 10);
}

/**
 * The display name of a candidate's execution: readable, and unique per (model, candidate) through
 * a hash, so a retried start can find the execution it made. Attempts after the first (a new
 * execution once the earlier ones failed or stopped) end in "-<attempt>".
 */
export function executionDisplayName(model: string, candidateVersion: string, attempt = 1): string {
  const hash = candidateHash(model, candidateVersion);
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const room = maxDisplayName - hash.length - 1 - suffix.length;
  const readable = `${model}-${candidateVersion}`.replace(/[^A-Za-z0-9]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return `${readable === '' ? hash : `${readable}-${hash}`}${suffix}`;
}

/** The attempt a display name is of this candidate's executions, or undefined when it is not one of them. */
export function executionAttempt(displayName: string, model: string, candidateVersion: string): number | undefined {
  if (displayName === executionDisplayName(model, candidateVersion)) return 1;
  const attempt = Number(/-(\d{1,6})$/.exec(displayName)?.[1]);
  return attempt > 1 && displayName === executionDisplayName(model, candidateVersion, attempt) ? attempt : undefined;
}

/** StartPipelineExecution's idempotency token (32..128 characters) for one attempt of a candidate on one pipeline. */
export function startToken(pipelineName: string, model: string, candidateVersion: string, attempt = 1): string {
  // A later attempt needs a token of its own: SageMaker answers a reused one with the failed execution.
  const text = `${pipelineName}\n${model}\n${candidateVersion}${attempt > 1 ? `\n${attempt}` : ''}`;
  return createHash('sha256').update(text).digest('hex');
}

function tunableValue(name: string, value: string | number): string {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) || (name === 'alpha' && number < 0)) {
    throw invalid(`parameter ${name} must be a finite number${name === 'alpha' ? ' >= 0' : ''}, got ${JSON.stringify(value)}`);
  }
  return String(number);
}

/**
 * The pipeline parameters of a request, in a canonical form (normalised instants, sorted tunables),
 * so two starts of one candidate compare equal. Refuses a request the pipeline cannot run.
 */
export function pipelineParameters(request: TrainingRequest, roots: PipelineRoots): { Name: string; Value: string }[] {
  const { model, candidateVersion } = request;
  for (const [kind, name] of [['model', model], ['candidate version', candidateVersion], ['champion version', request.championVersion]] as const) {
    if (name !== undefined && (!nameRule.test(name) || name.includes('..'))) {
      throw invalid(`${kind} "${name}" must be letters, digits, ".", "_" or "-" (at most 128)`);
    }
  }
  if (request.championVersion === candidateVersion) {
    throw invalid(`candidate version ${candidateVersion} is the champion: a retrained model needs a new version name`);
  }
  let training: { start: string; end: string };
  let holdout: { start: string; end: string };
  let asOf: string;
  try {
    training = normaliseWindow(request.trainingWindow);
    holdout = normaliseWindow(request.holdoutWindow);
    asOf = isoUtc(request.asOf, 'as-of time');
  } catch (error) {
    throw invalid(`training request for ${model}/${candidateVersion}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const share = request.holdoutShare ?? 1;
  if (!(share > 0 && share <= 1)) throw invalid(`holdout share ${share} is not in (0, 1]`);
  // Rows the candidate trained on would flatter it against the champion (as the local pipeline).
  if (share >= 1 && holdout.start < training.end) {
    throw invalid(`holdout window ${holdout.start} .. ${holdout.end} must start at or after the training window's end ${training.end}`);
  }
  const tunables = Object.entries(request.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const known = new Set<string>(TUNABLE_PARAMETER_NAMES);
  const unknown = tunables.map(([name]) => name).filter((name) => !known.has(name) || !parameterNameRule.test(name));
  if (unknown.length > 0) throw invalid(`unknown training parameter(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const prefix = outputPrefix(roots.outputs, model, candidateVersion);
  const rows = outputPrefix(roots.inputs, model, candidateVersion);
  for (const [what, value] of [['output prefix', prefix], ['labelled rows folder', rows]] as const) {
    if (value.length > maxValueLength) throw invalid(`${what} ${value} is too long: it passes SageMaker's ${maxValueLength} characters`);
  }
  const fixed: Record<(typeof PIPELINE_PARAMETER_NAMES)[number], string> = {
    Model: model,
    CandidateVersion: candidateVersion,
    TrainingStart: training.start,
    TrainingEnd: training.end,
    HoldoutStart: holdout.start,
    HoldoutEnd: holdout.end,
    HoldoutShare: String(share),
    // Pipeline parameters cannot be absent: the empty string says "no champion".
    ChampionVersion: request.championVersion ?? '',
    AsOf: asOf,
    OutputPrefix: prefix,
    LabelledRowsUri: rows,
  };
  return [
    ...PIPELINE_PARAMETER_NAMES.map((Name) => ({ Name, Value: fixed[Name] })),
    ...tunables.map(([Name, value]) => ({ Name, Value: tunableValue(Name, value) })),
  ];
}
