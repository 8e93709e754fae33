// The `aws` section of the config: where Vigil's AWS resources are and how deploys roll out. Region
// and credentials come from the SDK's standard chain; `endpointUrl` points every client at one
// endpoint (a VPC endpoint, or a local emulator in tests).
import { z } from 'zod';

// No quotes or backslashes in the prefix: locations are written into Athena DDL and UNLOAD text.
const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^'"\\\s]*)?$/, 'must be an s3://bucket/prefix/ URI (no quotes, backslashes or spaces)');
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
        /** Of query results and the result tables' objects; default SSE-KMS with kmsKeyId when set, else SSE-S3. */
        encryption: z
          .union([z.object({ option: z.literal('SSE_S3') }).strict(), z.object({ option: z.literal('SSE_KMS'), kmsKey: z.string().min(1) }).strict()])
          .optional(),
        /** First wait between status checks; grows x1.5 up to 5 s. */
        pollIntervalMs: z.number().int().min(1).max(10_000).default(500),
      })
      .strict(),
    /** Lifecycle rules Vigil keeps on its prefixes (applied by each cleanup run; the buckets' other rules stay). */
    lifecycle: z
      .object({
        athenaOutputDays: z.number().int().min(1).default(7),
        quarantineDays: z.number().int().min(1).default(90),
        /** The labelled rows each pipeline execution was given (a retrained version keeps its metrics in the registry). */
        trainingInputDays: z.number().int().min(1).default(30),
        /** S3 moves objects to Infrequent Access 30 days after creation at the earliest. */
        resultsInfrequentAccessDays: z.number().int().min(30).default(90),
      })
      .strict()
      .prefault({}),
    /** Root of the result tables (monitoring_metrics, quarantine, ...): one folder per table. */
    resultsLocation: s3Uri,
    /** Model artifacts, pipeline outputs and incident records. */
    artifactsLocation: s3Uri,
    /**
     * KMS key for what Vigil writes: S3 objects (artifacts, incidents, and the result tables unless
     * athena.encryption says otherwise) and endpoint storage volumes. SSE-S3 when absent.
     */
    kmsKeyId: z.string().min(1).optional(),
    sagemaker: z
      .object({
        executionRoleArn: arn,
        /** Inference container image (ECR URI) serving Vigil's model artifacts. */
        inferenceImage: z.string().min(1),
        instanceType: z.string().startsWith('ml.').default('ml.m5.large'),
        initialInstanceCount: z.number().int().min(1).max(100).default(1),
        deployment: deployment.prefault({}),
        /**
         * Longest wait for an endpoint to reach InService; the endpoint activity's own limit is
         * 2 hours, so this stays under it.
         */
        endpointWaitSeconds: z.number().int().min(1).max(7000).default(4200),
        /** First and longest delay between DescribeEndpoint calls while waiting (the delay doubles between them). */
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
             * TrainerImage or instance types. Those Vigil sends on every start (windows, versions,
             * LabelledRowsUri) are refused here.
             */
            parameters: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a pipeline parameter name'), z.union([z.string(), z.number(), z.boolean()])).default({}),
            /** The training and evaluation containers reach no network (SageMaker moves their data); off only for a trainer that must call out. */
            networkIsolation: z.boolean().default(true),
            /** Run the jobs in these subnets with these security groups. */
            vpc: z
              .object({
                subnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id')).min(1).max(16),
                securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id')).min(1).max(5),
              })
              .strict()
              .optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    cloudwatch: z.object({ namespace: z.string().min(1).max(255).default('Vigil') }).strict().prefault({}),
    snsTopicArn: arn.optional(),
    /** Added to every resource Vigil creates (cost allocation, ownership). */
    tags: z
      .record(z.string().min(1).max(128).refine((key) => !key.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved by AWS'), z.string().max(256))
      // AWS allows 50 tags per resource; Vigil adds up to 5 of its own (vigil:model, vigil:version, ...).
      .refine((tags) => Object.keys(tags).length <= 45, 'at most 45 tags (AWS allows 50 and Vigil adds 5)')
      .default({}),
  })
  .strict()
  .superRefine((aws, ctx) => {
    const { deployment, endpointWaitSeconds } = aws.sagemaker;
    // The wait covers the whole rollout: SageMaker's own timeout plus the old fleet's termination wait.
    const needed = deployment.maximumExecutionTimeoutSeconds + deployment.terminationWaitSeconds;
    if (endpointWaitSeconds < needed) {
      ctx.addIssue({
        code: 'custom',
        path: ['sagemaker', 'endpointWaitSeconds'],
        message: `${endpointWaitSeconds} is shorter than a rollout may take (maximumExecutionTimeoutSeconds + terminationWaitSeconds = ${needed})`,
      });
    }
  });

export type AwsConfig = z.output<typeof awsSchema>;
