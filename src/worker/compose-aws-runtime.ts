// AWS mode of the composition root: one SDK client per service (region and credentials from the
// standard chain, `aws.endpointUrl` when set), and the adapters that speak to Athena, S3,
// SageMaker, CloudWatch and SNS behind the same ports local mode fills.
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, type ProductionVariantInstanceType } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ActivityDeps } from '../activities/index.js';
import { cancellationSignal, keepAlive } from '../activities/shared/activity-context.js';
import { AthenaSourceCatalog } from '../adapters/aws/athena/athena-source-catalog.js';
import { AthenaWarehouse } from '../adapters/aws/athena/athena-warehouse.js';
import { awsClientSettings, s3Location } from '../adapters/aws/client-settings.js';
import { CloudWatchMetricsSink } from '../adapters/aws/cloudwatch/cloudwatch-metrics-sink.js';
import { S3IncidentStore } from '../adapters/aws/s3/s3-incident-store.js';
import { S3ObjectStore } from '../adapters/aws/s3/s3-object-store.js';
import { SageMakerModelHost } from '../adapters/aws/sagemaker/hosting/sagemaker-model-host.js';
import { SageMakerModelRegistry } from '../adapters/aws/sagemaker/registry/sagemaker-model-registry.js';
import { SageMakerTrainingPipeline } from '../adapters/aws/sagemaker/pipeline/sagemaker-training-pipeline.js';
import { SnsNotifier } from '../adapters/aws/sns/sns-notifier.js';
import { WarehouseAuditLog } from '../adapters/warehouse/warehouse-audit-log.js';
import type { LoadedConfig } from '../config/load.js';
import { approvalChannelsFor, notifiersFor } from './compose-channels.js';
import { contractLookup } from './model-contracts.js';
import type { Runtime, RuntimeOptions } from './runtime-options.js';

export async function composeAwsRuntime(loaded: LoadedConfig, options: RuntimeOptions): Promise<Runtime> {
  const aws = loaded.config.aws;
  // The schema refuses mode "aws" without the section; this only narrows the type.
  if (aws === undefined) throw new Error('mode "aws" needs the aws section of the config');
  const settings = awsClientSettings(aws);
  const s3 = new S3Client({ ...settings, forcePathStyle: aws.endpointUrl !== undefined });
  const athena = new AthenaClient(settings);
  const sagemaker = new SageMakerClient(settings);
  const sagemakerRuntime = new SageMakerRuntimeClient(settings);
  const cloudwatch = new CloudWatchClient(settings);
  const sns = new SNSClient(settings);
  const clients = [s3, athena, sagemaker, sagemakerRuntime, cloudwatch, sns];

  const artifacts = s3Location(aws.artifactsLocation);
  const objectStore = new S3ObjectStore({
    bucket: artifacts.bucket,
    client: s3,
    encryption: aws.kmsKeyId === undefined ? { type: 'SSE_S3' } : { type: 'SSE_KMS', kmsKeyId: aws.kmsKeyId },
  });
  const warehouse = new AthenaWarehouse({
    client: athena,
    workgroup: aws.athena.workgroup,
    database: aws.athena.database,
    outputLocation: aws.athena.outputLocation,
    pollIntervalMs: aws.athena.pollIntervalMs,
    encryption: aws.athena.encryption ?? (aws.kmsKeyId === undefined ? { option: 'SSE_S3' } : { option: 'SSE_KMS', kmsKey: aws.kmsKeyId }),
    results: { location: aws.resultsLocation, client: s3 },
    // Long queries keep the activity alive, and a cancelled activity stops its query.
    everyQuery: { progress: (detail) => keepAlive({ query: detail }), signal: cancellationSignal },
  });
  const close = async (): Promise<void> => {
    try {
      await warehouse.close();
    } finally {
      for (const client of clients) client.destroy();
    }
  };
  try {
    await warehouse.ensureResultTables();
    const deployment = aws.sagemaker.deployment;
    const deps: ActivityDeps = {
      loaded,
      warehouse,
      sources: new AthenaSourceCatalog(warehouse, Object.fromEntries(loaded.config.models.map((model) => [model.id, model.sources]))),
      modelHost: new SageMakerModelHost({
        client: sagemaker,
        runtimeClient: sagemakerRuntime,
        executionRoleArn: aws.sagemaker.executionRoleArn,
        image: aws.sagemaker.inferenceImage,
        // SageMaker validates the instance type; the config keeps it open for new families.
        instanceType: aws.sagemaker.instanceType as ProductionVariantInstanceType,
        initialInstanceCount: aws.sagemaker.initialInstanceCount,
        deployment: {
          trafficRouting: deployment.trafficRouting,
          canaryPercent: deployment.canaryPercent,
          linearStepPercent: deployment.linearStepPercent,
          waitIntervalSeconds: deployment.waitIntervalSeconds,
          terminationWaitSeconds: deployment.terminationWaitSeconds,
          maximumExecutionTimeoutSeconds: deployment.maximumExecutionTimeoutSeconds,
          autoRollbackAlarms: deployment.autoRollbackAlarms,
        },
        maxWaitSeconds: aws.sagemaker.endpointWaitSeconds,
        pollDelaySeconds: aws.sagemaker.endpointPollSeconds,
        // A blue/green update bakes for minutes: the deploy activity heartbeats while it waits.
        progress: { report: (progress) => keepAlive({ endpoint: progress }) },
        cancellation: cancellationSignal,
        ...(aws.kmsKeyId === undefined ? {} : { kmsKeyId: aws.kmsKeyId }),
        tags: aws.tags,
      }),
      notifiers: [
        ...notifiersFor(loaded, options),
        ...(aws.snsTopicArn === undefined ? [] : [new SnsNotifier({ topicArn: aws.snsTopicArn, client: sns })]),
      ],
      metricsSink: new CloudWatchMetricsSink({ client: cloudwatch, namespace: aws.cloudwatch.namespace }),
      incidents: new S3IncidentStore({ objects: objectStore, prefix: artifacts.prefix }),
      training: new SageMakerTrainingPipeline({
        client: sagemaker,
        pipelineName: aws.sagemaker.pipeline.name,
        artifactsRoot: `s3://${artifacts.bucket}/${artifacts.prefix}models`,
        objectStore,
        // Exports each execution's labelled rows (UNLOAD) before it starts.
        warehouse,
        contractFor: contractLookup(loaded),
        // The activities' catalog, called once deps exists: each source is checked once.
        tablesFor: (contract) => deps.sources.tablesFor(contract),
      }),
      registry: new SageMakerModelRegistry({ client: sagemaker, inferenceImage: aws.sagemaker.inferenceImage, tags: aws.tags }),
      audit: new WarehouseAuditLog(warehouse),
      approvals: approvalChannelsFor(loaded, options),
    };
    return { deps, close };
  } catch (error) {
    await close();
    throw error;
  }
}
