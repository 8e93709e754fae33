// The training job's settings: the HyperParameters of the pipeline's Train step, which SageMaker
// writes to input/config/hyperparameters.json as one JSON object of strings.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { messageOf } from '../domain/errors.js';
import { JobInputError } from './job-failure.js';
import { alphaText, checkWindow, instantText, nameText, parseSettings, shareText } from './job-settings.js';

const schema = z.object({
  model: nameText,
  version: nameText,
  'training-start': instantText,
  'training-end': instantText,
  'holdout-start': instantText,
  'holdout-end': instantText,
  'holdout-share': shareText,
  'as-of': instantText,
  alpha: alphaText,
});

/** Every hyperparameter `vigil train` reads: the Train step must give exactly these. */
export const HYPERPARAMETER_NAMES = Object.keys(schema.shape) as readonly (keyof typeof schema.shape)[];

export interface TrainingSettings {
  model: string;
  version: string;
  trainingWindow: { start: string; end: string };
  holdoutWindow: { start: string; end: string };
  holdoutShare: number;
  asOf: string;
  alpha: number;
  /** Hyperparameters given that Vigil does not read (logged, not refused). */
  ignored: string[];
}

export async function readHyperparameters(path: string): Promise<TrainingSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new JobInputError(`cannot read the hyperparameters ${path}: ${messageOf(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new JobInputError(`hyperparameters ${path} are not JSON: ${messageOf(error)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new JobInputError(`hyperparameters ${path} are not a JSON object`);
  const values = json as Record<string, unknown>;
  const parsed = parseSettings(schema, values, 'hyperparameter');
  const settings: TrainingSettings = {
    model: parsed.model,
    version: parsed.version,
    trainingWindow: { start: parsed['training-start'], end: parsed['training-end'] },
    holdoutWindow: { start: parsed['holdout-start'], end: parsed['holdout-end'] },
    holdoutShare: parsed['holdout-share'],
    asOf: parsed['as-of'],
    alpha: parsed.alpha,
    ignored: Object.keys(values).filter((name) => !(HYPERPARAMETER_NAMES as readonly string[]).includes(name)),
  };
  checkWindow('hyperparameter', ['training-start', 'training-end'], settings.trainingWindow);
  checkWindow('hyperparameter', ['holdout-start', 'holdout-end'], settings.holdoutWindow);
  return settings;
}
