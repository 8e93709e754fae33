// The Lambda function's entry (bundled by bin/bundle-stream-lambda.mjs): builds the Kinesis handler
// once per container from its environment and the contract packaged beside it. A bad environment
// or contract fails the cold start with every problem listed, before any record is touched.
//
//   VIGIL_MODEL                 the model the stream feeds
//   VIGIL_CONTRACT_PATH         the contract JSON (default: contract.json beside the function)
//   VIGIL_PRODUCTION_LOG_URI    s3://bucket/prefix/ of the production log (the batch job's source)
//   VIGIL_QUARANTINE_URI        s3://bucket/prefix/ of the stream quarantine
//   VIGIL_KMS_KEY_ID            optional: SSE-KMS key for the objects (default SSE-S3)
//   VIGIL_METRICS_NAMESPACE     optional: CloudWatch namespace (default Vigil; "off" publishes none)
//   VIGIL_RECORDS_PER_OBJECT    optional: records per written chunk (default 5000)
//   AWS_ENDPOINT_URL            optional: another endpoint for S3 and CloudWatch (tests)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseContract } from '../domain/contract/contract.js';
import { recordJudge } from '../domain/stream/judge-record.js';
import { isRetryable } from '../domain/errors.js';
import { contractStamp } from '../adapters/shared/contract-hash.js';
import { ObjectStreamLog } from '../adapters/shared/object-stream-log.js';
import { S3ObjectStore } from '../adapters/aws/s3/s3-object-store.js';
import { CloudWatchMetricsSink } from '../adapters/aws/cloudwatch/cloudwatch-metrics-sink.js';
import { AWS_MAX_ATTEMPTS } from '../adapters/aws/errors.js';
import { s3Location } from '../adapters/aws/client-settings.js';
import { kinesisHandler } from './kinesis-handler.js';

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be s3://bucket/prefix/');

const environmentSchema = z.object({
  VIGIL_MODEL: z.string().min(1),
  VIGIL_CONTRACT_PATH: z.string().min(1).optional(),
  VIGIL_PRODUCTION_LOG_URI: s3Uri,
  VIGIL_QUARANTINE_URI: s3Uri,
  VIGIL_KMS_KEY_ID: z.string().min(1).optional(),
  VIGIL_METRICS_NAMESPACE: z.string().min(1).default('Vigil'),
  VIGIL_RECORDS_PER_OBJECT: z.coerce.number().int().min(1).max(10_000).default(5000),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL: z.url().optional(),
  LAMBDA_TASK_ROOT: z.string().optional(),
});

export type StreamLambdaHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** The handler for an environment; throws one error listing every problem with it. */
export function createStreamLambda(
  environment: NodeJS.ProcessEnv,
  options: { report?: (line: Record<string, unknown>) => void } = {},
): StreamLambdaHandler {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new Error(`the stream function's environment is not valid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const env = parsed.data;
  const contractPath = env.VIGIL_CONTRACT_PATH ?? join(env.LAMBDA_TASK_ROOT ?? process.cwd(), 'contract.json');
  let contractJson: unknown;
  try {
    contractJson = JSON.parse(readFileSync(contractPath, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`the stream function cannot read its contract ${contractPath}: ${(error as Error).message}`);
  }
  const contract = parseContract(contractJson, contractPath);
  if (contract.model !== env.VIGIL_MODEL) throw new Error(`the contract ${contractPath} is for model ${contract.model}, not VIGIL_MODEL=${env.VIGIL_MODEL}`);
  const production = s3Location(env.VIGIL_PRODUCTION_LOG_URI);
  const quarantine = s3Location(env.VIGIL_QUARANTINE_URI);
  if (production.bucket !== quarantine.bucket) throw new Error('VIGIL_PRODUCTION_LOG_URI and VIGIL_QUARANTINE_URI must be in the same bucket');
  if (production.prefix === quarantine.prefix) throw new Error('VIGIL_PRODUCTION_LOG_URI and VIGIL_QUARANTINE_URI must be different prefixes');
  const endpoint = env.AWS_ENDPOINT_URL === undefined ? {} : { endpoint: env.AWS_ENDPOINT_URL, forcePathStyle: true };
  const store = new S3ObjectStore({
    bucket: production.bucket,
    client: new S3Client({ region: env.AWS_REGION, maxAttempts: AWS_MAX_ATTEMPTS, ...endpoint }),
    ...(env.VIGIL_KMS_KEY_ID === undefined ? {} : { encryption: { type: 'SSE_KMS', kmsKeyId: env.VIGIL_KMS_KEY_ID } }),
  });
  const metrics =
    env.VIGIL_METRICS_NAMESPACE === 'off'
      ? undefined
      : new CloudWatchMetricsSink({ namespace: env.VIGIL_METRICS_NAMESPACE, clientConfig: { region: env.AWS_REGION, maxAttempts: AWS_MAX_ATTEMPTS, ...(env.AWS_ENDPOINT_URL === undefined ? {} : { endpoint: env.AWS_ENDPOINT_URL }) } });
  return kinesisHandler({
    model: contract.model,
    judge: recordJudge(contract, contractStamp(contract)),
    log: new ObjectStreamLog({ store, productionPrefix: production.prefix, quarantinePrefix: quarantine.prefix }),
    ...(metrics === undefined ? {} : { metrics }),
    maxRecordsPerChunk: env.VIGIL_RECORDS_PER_OBJECT,
    isTransient: isRetryable,
    report: options.report ?? ((line) => console.log(JSON.stringify(line))),
  });
}

let built: StreamLambdaHandler | undefined;

/** Lambda's entry: built on the first event of a container, reused after. */
export const handler: StreamLambdaHandler = async (event) => {
  built ??= createStreamLambda(process.env);
  return built(event);
};
