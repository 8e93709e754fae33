// The serialised model: everything needed to coerce, encode and score a row, as plain JSON. The
// serving side reads only this file, never the training data or the contract.
import { z } from 'zod';
import { encodedWidth, type FeatureEncoding } from './encoding.js';

export const artifactFormat = 'vigil-ridge/1';

export interface HoldoutMetrics {
  rmse: number;
  mae: number;
  holdoutRows: number;
}

export interface ModelArtifact {
  format: typeof artifactFormat;
  model: string;
  version: string;
  featureSchemaVersion: number;
  /** Feature names in contract order: the order of every scoring row. */
  features: string[];
  encoding: FeatureEncoding[];
  /** One per encoded column (see encodedColumnNames), in the standardised space. */
  coefficients: number[];
  intercept: number;
  alpha: number;
  trainedAt: string;
  trainingRows: number;
  /** Error on the holdout rows, when a holdout was given. */
  metrics?: HoldoutMetrics;
}

const defaultValue = z.union([z.number(), z.string(), z.boolean()]).optional();
const numeric = z.object({
  name: z.string(),
  type: z.enum(['int', 'float']),
  default: defaultValue,
  mean: z.number(),
  std: z.number().positive(),
});
const bool = z.object({ name: z.string(), type: z.literal('bool'), default: defaultValue, mean: z.number() });
const category = z.object({ name: z.string(), type: z.literal('category'), default: defaultValue, categories: z.array(z.string()) });

const artifactSchema = z.object({
  format: z.literal(artifactFormat),
  model: z.string().min(1),
  version: z.string().min(1),
  featureSchemaVersion: z.number().int().positive(),
  features: z.array(z.string()).min(1),
  encoding: z.array(z.discriminatedUnion('type', [numeric, bool, category])),
  coefficients: z.array(z.number()),
  intercept: z.number(),
  alpha: z.number().nonnegative(),
  trainedAt: z.string(),
  trainingRows: z.number().int().nonnegative(),
  metrics: z.object({ rmse: z.number(), mae: z.number(), holdoutRows: z.number().int() }).optional(),
});

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** Validates parsed JSON as an artifact; the message lists what is wrong. */
export function parseArtifact(json: unknown, source = 'artifact'): ModelArtifact {
  const result = artifactSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ArtifactError(`${source} is not a ${artifactFormat} model artifact: ${problems.join('; ')}`);
  }
  const artifact: ModelArtifact = result.data;
  const names = artifact.encoding.map((feature) => feature.name);
  if (names.join('\u0000') !== artifact.features.join('\u0000')) {
    throw new ArtifactError(`${source}: encoding features (${names.join(', ')}) differ from features (${artifact.features.join(', ')})`);
  }
  const width = encodedWidth(artifact.encoding);
  if (artifact.coefficients.length !== width) {
    throw new ArtifactError(`${source}: ${artifact.coefficients.length} coefficients for ${width} encoded columns`);
  }
  return artifact;
}
