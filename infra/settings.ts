// The few values a user sets to install Vigil on an account (cdk context: `-c key=value` or
// cdk.json). Checked at synth time: every problem is listed at once, each with its key and value.
import { z } from 'zod';

const identifier = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lowercase letters, digits and "-", starting with a letter (at most 31)');

const settingsSchema = z
  .object({
    /** The AWS account and region (synth works without them: the template is then environment-agnostic). */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as eu-west-1').optional(),
    /** Prefix of every name Vigil's stacks give (buckets, roles, workgroup, database, topic). */
    prefix: identifier.default('vigil'),
    /** The models Vigil manages (their ids in the Vigil config); SageMaker resources are scoped to them. */
    models: z.array(identifier).min(1),
    /** S3 locations (s3://bucket/prefix/) of the tables Vigil reads: production log, labels, baseline. */
    dataLocations: z.array(z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be s3://bucket/prefix')).default([]),
    /** The SageMaker Pipeline Vigil starts (aws.sagemaker.pipeline.name). */
    pipelineName: z.string().min(1).default('vigil-training'),
    /** Athena refuses a query past this many bytes scanned (the workgroup's BytesScannedCutoffPerQuery). */
    bytesScannedCutoffPerQuery: z.number().int().min(10 * 1024 * 1024).default(100 * 1024 ** 3),
    /** The worker as an ECS Fargate service (image URI), or none (run it where you like with the worker role). */
    workerImage: z.string().min(1).optional(),
    /**
     * The QuickSight user or group that owns the dashboard, its datasets and data source; without
     * it no QuickSight stack is made (QuickSight needs an account subscription).
     */
    quicksightPrincipal: z
      .string()
      .regex(/^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/.+$/, 'must be a QuickSight user or group ARN (arn:aws:quicksight:<region>:<account>:user/default/<name>)')
      .optional(),
    /** The role QuickSight reads Athena as (its service role unless the account set another). */
    quicksightServiceRole: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
  })
  .strict();

export type InstallSettings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`the install settings have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Context values arrive as text from `-c` and as JSON from cdk.json: lists may be "a,b". */
function listOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? [] : value.split(',').map((part) => part.trim());
}

function numberOf(value: unknown): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

/** The settings from context values (`tryGetContext`), or a SettingsError listing every problem. */
export function installSettings(context: (key: string) => unknown): InstallSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = context(key);
    if (value === undefined) continue;
    raw[key] = key === 'models' || key === 'dataLocations' ? listOf(value) : key === 'bytesScannedCutoffPerQuery' ? numberOf(value) : value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new SettingsError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message} (got ${JSON.stringify(issue.path.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key as string], raw))})`));
}

/** The names every stack agrees on, derived from the prefix (and account/region where S3 needs them unique). */
export function resourceNames(settings: InstallSettings, scope: { account: string; region: string }) {
  const { prefix } = settings;
  const bucket = (purpose: string): string => `${prefix}-${purpose}-${scope.account}-${scope.region}`;
  return {
    artifactsBucket: bucket('artifacts'),
    resultsBucket: bucket('results'),
    athenaOutputBucket: bucket('athena-output'),
    accessLogsBucket: bucket('access-logs'),
    trailBucket: bucket('trail'),
    database: prefix.replaceAll('-', '_'),
    workgroup: prefix,
    topic: `${prefix}-alerts`,
    workerRole: `${prefix}-worker`,
    sageMakerRole: `${prefix}-sagemaker-execution`,
    keyAlias: `alias/${prefix}`,
  };
}
