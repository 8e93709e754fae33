// The `aws` section of the config: where Vigil's AWS resources are and how deploys roll out. Region
// and credentials come from the SDK's standard chain; `endpointUrl` points every client at one
// endpoint (a VPC endpoint, or a local emulator in tests).
import { z } from 'zod';

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be an s3://bucket/prefix/ URI');
const arn = z.string().startsWith('arn:', 'must be an ARN');

/** Seconds, within SageMaker's documented bounds for each deployment setting. */
const seconds = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);

const deployment = z
  .object({
    /**
     * How production traffic moves to the new fleet: all at once, a canary share first, or in
     * linear steps. SageMaker watches the rollback alarms while it bakes and reverts on a breach.
     */
    trafficRouting: z.enum(['ALL_AT_ONCE', 'CANARY', 'LINEAR']).default('CANARY'),
    /** Share of capacity in the canary (CANARY). */
    canaryPercent: z.number().int().min(1).max(50).default(10),
    /** Share of capacity moved per step (LINEAR). */
    linearStepPercent: z.number().int().min(10).max(50).default(20),
    /** Bake time between traffic shifts. */
    waitIntervalSeconds: seconds(0, 3600, 300),
    /** How long the old fleet is kept after the shift, for a fast rollback. */
    terminationWaitSeconds: seconds(0, 3600, 300),
    maximumExecutionTimeoutSeconds: seconds(600, 28800, 3600),
    /** CloudWatch alarms that make SageMaker roll a deploy back (at most 10). */
    autoRollbackAlarms: z.array(z.string().min(1).max(255)).max(10).default([]),
  })
  .strict();

export const awsSchema = z
  .object({
    region: z.string().min(1),
    endpointUrl: z.url().optional(),
    athena: z
      .object({
        workgroup: z.string().min(1).default('primary'),
        /** The Glue database of the result tables (and of sources named without one). */
        database: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and underscores (Glue database names)'),
        /** Where Athena writes query result files. */
        outputLocation: s3Uri,
        encryption: z
          .union([z.object({ option: z.literal('SSE_S3') }).strict(), z.object({ option: z.literal('SSE_KMS'), kmsKey: z.string().min(1) }).strict()])
          .default({ option: 'SSE_S3' }),
        /** First wait between status checks; grows x1.5 up to 5 s. */
        pollIntervalMs: z.number().int().min(1).max(10_000).default(500),
      })
      .strict(),
    /** Root of the result tables (monitoring_metrics, quarantine, ...): one folder per table. */
    resultsLocation: s3Uri,
    /** Model artifacts, pipeline outputs and incident records. */
    artifactsLocation: s3Uri,
    /** KMS key for S3 objects Vigil writes; SSE-S3 when absent. */
    kmsKeyId: z.string().min(1).optional(),
    sagemaker: z
      .object({
        executionRoleArn: arn,
        /** Inference container image (ECR URI) serving Vigil's model artifacts. */
        inferenceImage: z.string().min(1),
        instanceType: z.string().startsWith('ml.').default('ml.m5.large'),
        initialInstanceCount: z.number().int().min(1).max(100).default(1),
        deployment: deployment.prefault({}),
        /** Longest wait for an endpoint to reach InService. */
        endpointWaitSeconds: z.number().int().min(1).max(28_800).default(3600),
        /** First and longest delay between DescribeEndpoint calls while waiting (the SDK waiter backs off between them). */
        endpointPollSeconds: z
          .object({ min: z.number().positive().max(120).default(15), max: z.number().positive().max(600).default(60) })
          .strict()
          .refine((poll) => poll.min <= poll.max, 'min must not exceed max')
          .prefault({}),
        pipeline: z
          .object({
            name: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/, 'must be letters, digits and hyphens (SageMaker pipeline names)').default('vigil-training'),
            /** The pipeline definition `vigil pipeline deploy` creates or updates, relative to the config file. */
            definition: z.string().min(1).default('deploy/sagemaker/training-pipeline.json'),
            /**
             * Deploy-time values of the definition's parameters (`vigil pipeline deploy`), e.g.
             * TrainerImage and LabelledRowsUri; each execution still passes its own window and version.
             */
            parameters: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a pipeline parameter name'), z.union([z.string(), z.number(), z.boolean()])).default({}),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    cloudwatch: z.object({ namespace: z.string().min(1).max(255).default('Vigil') }).strict().prefault({}),
    snsTopicArn: arn.optional(),
    /** Added to every resource Vigil creates (cost allocation, ownership). */
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  })
  .strict();

export type AwsConfig = z.output<typeof awsSchema>;
