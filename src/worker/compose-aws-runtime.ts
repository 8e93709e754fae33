// AWS mode of the composition root: one SDK client per service (region and credentials from the
// standard chain, `aws.endpointUrl` when set), and the adapters that speak to Athena, S3,
// SageMaker, CloudWatch and SNS behind the same ports local mode fills.
import { prepareResultTables } from './startup-retry.js';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, type ProductionVariantInstanceType } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ActivityDeps } from '../activities/index.js';
import { cancellationSignal, keepAlive } from '../activities/shared/activity-context.js';
import { AthenaSourceCatalog } from '../adapters/aws/athena/athena-source-catalog.js';
import { AthenaWorkgroupSettings } from '../adapters/aws/athena/athena-workgroup-settings.js';
import type { AthenaWarehouse } from '../adapters/aws/athena/athena-warehouse.js';
import { athenaWarehouseFor } from '../adapters/aws/athena/athena-warehouse-for.js';
import { awsClientSettings, s3Location } from '../adapters/aws/client-settings.js';
import { CloudWatchMetricsSink } from '../adapters/aws/cloudwatch/cloudwatch-metrics-sink.js';
import { outputsRoot, pipelineInputsPrefix, pipelineInputsRoot, versionFolders } from '../adapters/aws/s3/artifact-layout.js';
import { S3IncidentStore } from '../adapters/aws/s3/s3-incident-store.js';
import { S3ObjectStore } from '../adapters/aws/s3/s3-object-store.js';
import { S3Lifecycle } from '../adapters/aws/s3/s3-lifecycle.js';
import { lifecycleRules } from '../domain/cleanup/lifecycle.js';
import { SageMakerModelHost } from '../adapters/aws/sagemaker/hosting/sagemaker-model-host.js';
import { SageMakerModelRegistry } from '../adapters/aws/sagemaker/registry/sagemaker-model-registry.js';
import { SageMakerTrainingPipeline } from '../adapters/aws/sagemaker/pipeline/sagemaker-training-pipeline.js';
import { SnsNotifier } from '../adapters/aws/sns/sns-notifier.js';
import { WarehouseAuditLog } from '../adapters/warehouse/warehouse-audit-log.js';
import type { AwsConfig } from '../config/aws-schema.js';
import type { LoadedConfig } from '../config/load.js';
import { channelsFor } from './compose-channels.js';
import { contractLookup } from './model-contracts.js';
import type { Runtime, RuntimeOptions } from './runtime-options.js';

/** One SDK client per service, every one with the config's settings. */
interface AwsClients {
  s3: S3Client;
  athena: AthenaClient;
  sagemaker: SageMakerClient;
  sagemakerRuntime: SageMakerRuntimeClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
}

/** Where the artifacts live and the store that reads and writes them there. */
interface Artifacts {
  bucket: string;
  prefix: string;
  store: S3ObjectStore;
}

export async function composeAwsRuntime(loaded: LoadedConfig, options: RuntimeOptions): Promise<Runtime> {
  const aws = loaded.config.aws;
  // The schema refuses mode "aws" without the section; this only narrows the type.
  if (aws === undefined) throw new Error('mode "aws" needs the aws section of the config');
  const clients = awsClients(aws);
  const warehouse = athenaWarehouse(aws, clients);
  const close = async (): Promise<void> => {
    try {
      await warehouse.close();
    } finally {
      for (const client of [clients.s3, clients.athena, clients.sagemaker, clients.sagemakerRuntime, clients.cloudwatch, clients.sns]) client.destroy();
    }
  };
  try {
    await prepareResultTables(warehouse, loaded);
    return { deps: awsDeps(loaded, options, aws, clients, warehouse), close };
  } catch (error) {
    await close();
    throw error;
  }
}

function awsClients(aws: AwsConfig): AwsClients {
  const settings = awsClientSettings(aws);
  return {
    s3: new S3Client({ ...settings, forcePathStyle: aws.endpointUrl !== undefined }),
    athena: new AthenaClient(settings),
    sagemaker: new SageMakerClient(settings),
    sagemakerRuntime: new SageMakerRuntimeClient(settings),
    cloudwatch: new CloudWatchClient(settings),
    sns: new SNSClient(settings),
  };
}

function athenaWarehouse(aws: AwsConfig, clients: Pick<AwsClients, 'athena' | 's3'>): AthenaWarehouse {
  // Long queries keep the activity alive, and a cancelled activity stops its query.
  return athenaWarehouseFor(aws, clients, { progress: (detail) => keepAlive({ query: detail }), signal: cancellationSignal });
}

function awsDeps(loaded: LoadedConfig, options: RuntimeOptions, aws: AwsConfig, clients: AwsClients, warehouse: AthenaWarehouse): ActivityDeps {
  const artifacts = artifactsOf(aws, clients.s3);
  const sources = new AthenaSourceCatalog(warehouse, Object.fromEntries(loaded.config.models.map((model) => [model.id, model.sources])));
  const registry = new SageMakerModelRegistry({ client: clients.sagemaker, inferenceImage: aws.sagemaker.inferenceImage, tags: aws.tags });
  return {
    loaded,
    warehouse,
    sources,
    modelHost: sageMakerModelHost(aws, clients),
    metricsSink: new CloudWatchMetricsSink({ client: clients.cloudwatch, namespace: aws.cloudwatch.namespace }),
    incidents: new S3IncidentStore({ objects: artifacts.store, prefix: artifacts.prefix }),
    artifacts: { bucket: artifacts.bucket, store: artifacts.store, versionFolders: (model, version) => versionFolders(artifacts, model, version) },
    lifecycle: {
      storage: new S3Lifecycle(clients.s3),
      rules: lifecycleRules({
        athenaOutput: s3Location(aws.athena.outputLocation),
        results: s3Location(aws.resultsLocation),
        pipelineInputs: { bucket: artifacts.bucket, prefix: pipelineInputsPrefix(artifacts) },
        days: aws.lifecycle,
      }),
    },
    warehouseSettings: { settings: new AthenaWorkgroupSettings(clients.athena, aws.athena.workgroup), outputLocation: aws.athena.outputLocation },
    training: new SageMakerTrainingPipeline({
      client: clients.sagemaker,
      pipelineName: aws.sagemaker.pipeline.name,
      roots: { outputs: outputsRoot(artifacts), inputs: pipelineInputsRoot(artifacts) },
      objectStore: artifacts.store,
      // Exports each execution's labelled rows (UNLOAD) before it starts.
      warehouse,
      contractFor: contractLookup(loaded),
      // The activities' catalog: each source is checked once.
      tablesFor: (contract) => sources.tablesFor(contract),
      // The champion's artifact is staged for the Evaluate step, which cannot reach the registry.
      artifactOf: async (model, version) => (await registry.get(model, version))?.artifactUri,
    }),
    registry,
    audit: new WarehouseAuditLog(warehouse),
    ...channelsFor(loaded, options, aws.snsTopicArn === undefined ? [] : [new SnsNotifier({ topicArn: aws.snsTopicArn, client: clients.sns })]),
  };
}

function artifactsOf(aws: AwsConfig, s3: S3Client): Artifacts {
  const { bucket, prefix } = s3Location(aws.artifactsLocation);
  const encryption = aws.kmsKeyId === undefined ? ({ type: 'SSE_S3' } as const) : ({ type: 'SSE_KMS', kmsKeyId: aws.kmsKeyId } as const);
  return { bucket, prefix, store: new S3ObjectStore({ bucket, client: s3, encryption }) };
}

function sageMakerModelHost(aws: AwsConfig, clients: AwsClients): SageMakerModelHost {
  const deployment = aws.sagemaker.deployment;
  return new SageMakerModelHost({
    client: clients.sagemaker,
    runtimeClient: clients.sagemakerRuntime,
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
  });
}
