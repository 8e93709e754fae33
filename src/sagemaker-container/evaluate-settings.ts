// The evaluation job's settings: the Environment of the pipeline's Evaluate step.
import { basename, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { EVALUATION_REPORT_NAME } from '../adapters/aws/sagemaker/pipeline/pipeline-parameters.js';
import type { ProcessingPaths } from './job-paths.js';
import { checkWindow, instantText, nameText, parseSettings, shareText } from './job-settings.js';

const schema = z.object({
  VIGIL_MODEL: nameText,
  VIGIL_CANDIDATE_VERSION: nameText,
  /** Steps.Train.ModelArtifacts.S3ModelArtifacts: the artifact the report names, which Vigil registers. */
  VIGIL_CANDIDATE_ARTIFACT: z.string().regex(/^s3:\/\/[^/]+\/.+\.tar\.gz$/, 'must be the s3:// URI of the model.tar.gz the Train step wrote'),
  /** Empty: there is no champion. */
  VIGIL_CHAMPION_VERSION: z.union([z.literal(''), nameText]),
  VIGIL_HOLDOUT_START: instantText,
  VIGIL_HOLDOUT_END: instantText,
  VIGIL_HOLDOUT_SHARE: shareText,
  VIGIL_AS_OF: instantText,
  /** Where the report goes: in the folder the step uploads to OutputPrefix. */
  VIGIL_REPORT_PATH: z
    .string()
    .refine((path) => isAbsolute(path) && basename(path) === EVALUATION_REPORT_NAME, `must be an absolute path to a file named ${EVALUATION_REPORT_NAME}`)
    .optional(),
});

/** Every environment variable `vigil evaluate` reads: the Evaluate step must set exactly these. */
export const EVALUATE_ENVIRONMENT_NAMES = Object.keys(schema.shape) as readonly (keyof typeof schema.shape)[];

export interface EvaluationSettings {
  model: string;
  candidateVersion: string;
  candidateArtifactUri: string;
  championVersion: string | undefined;
  holdoutWindow: { start: string; end: string };
  holdoutShare: number;
  asOf: string;
  reportPath: string;
}

/** Settings from the environment; the report defaults to <evaluation output>/evaluation.json. */
export function evaluationSettings(env: NodeJS.ProcessEnv, paths: ProcessingPaths): EvaluationSettings {
  const values = Object.fromEntries(EVALUATE_ENVIRONMENT_NAMES.map((name) => [name, env[name]]));
  const parsed = parseSettings(schema, values, 'environment variable');
  const settings: EvaluationSettings = {
    model: parsed.VIGIL_MODEL,
    candidateVersion: parsed.VIGIL_CANDIDATE_VERSION,
    candidateArtifactUri: parsed.VIGIL_CANDIDATE_ARTIFACT,
    championVersion: parsed.VIGIL_CHAMPION_VERSION === '' ? undefined : parsed.VIGIL_CHAMPION_VERSION,
    holdoutWindow: { start: parsed.VIGIL_HOLDOUT_START, end: parsed.VIGIL_HOLDOUT_END },
    holdoutShare: parsed.VIGIL_HOLDOUT_SHARE,
    asOf: parsed.VIGIL_AS_OF,
    reportPath: parsed.VIGIL_REPORT_PATH ?? join(paths.evaluation, EVALUATION_REPORT_NAME),
  };
  checkWindow('environment variable', ['VIGIL_HOLDOUT_START', 'VIGIL_HOLDOUT_END'], settings.holdoutWindow);
  return settings;
}
