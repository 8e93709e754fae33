// The AWS stack of the end-to-end test: the worker composed in mode "aws" against moto, the demo's
// data set standing where the Athena tables and the endpoints' traffic would be.
//
//   adapters --HTTP--> feeder (fills moto's answer queues) --> SageMaker shim --> moto
//
// What moto cannot do is played by local parts, each through moto's own extension points:
//   - Athena queries: SELECTs and views run by a real Trino (Athena's engine) over copies of the
//     tables; the catalogue (CREATE EXTERNAL TABLE, ADD PARTITION) and UNLOAD by the Athena twin
//     on DuckDB (see trino-athena.ts). Without Java 24+ the twin answers everything, and says so;
//   - endpoint invocations: the served model's artifact, read from (moto's) S3, applied to the rows;
//   - the pipeline's training and evaluation steps: Vigil's reference trainer, writing the model and
//     the evaluation report to the execution's output prefix, as the pipeline's steps would.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient, type SNSClientConfig, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { parse, stringify } from 'yaml';
import { pipelineInputsRoot } from '../../../src/adapters/aws/s3/artifact-layout.js';
import { artifactPathFor } from '../../../src/adapters/local/model-host/local-model-host.js';
import { LocalTrainingPipeline } from '../../../src/adapters/local/training/local-training-pipeline.js';
import { isRowsObject } from '../../../src/adapters/shared/pipeline-inputs.js';
import { parseCsv } from '../../../src/model-server/codec.js';
import { pipelineDeployCommand } from '../../../src/client/commands/pipeline.js';
import { loadConfig, type LoadedConfig } from '../../../src/config/load.js';
import { prepareDemoWorkspace, type DemoScenario } from '../../../src/demo/run-demo.js';
import { parseArtifact, type ModelArtifact } from '../../../src/domain/model/artifact.js';
import { predict } from '../../../src/domain/model/predict.js';
import type { TrainingRequest } from '../../../src/ports/training-pipeline.js';
import { composeRuntime, type Runtime } from '../../../src/worker/compose-runtime.js';
import { AthenaTwin } from '../athena-twin/athena-twin.js';
import { TrinoAthena } from '../athena-twin/trino-athena.js';
import { sharedTrino } from '../trino.js';
import { TrinoUnavailableError } from '../trino/server.js';
import { smallScenario } from '../monitoring-rig.js';
import { quickLoopModel } from '../loop-model-settings.js';
import { MOTO_STARTUP_TIMEOUT_MS, motoEndpoint } from '../moto.js';
import { sageMakerEndpointShim, type EndpointShimControl } from '../sagemaker-shim-endpoints.js';
import { createPipelineStepsShim } from '../sagemaker-shim-pipelines.js';
import { startSageMakerShim } from '../sagemaker-shim.js';
import { testEnv } from '../temporal.js';
import { startTestWorker } from '../vigil-worker.js';
import { startMotoFeeder, type MotoFeeder } from './moto-feeder.js';

/**
 * The small demo scenario moved to recent weeks: CloudWatch takes data points up to two weeks old,
 * so the monitored windows must end within the last fortnight. Starts on a Monday, three to four
 * weeks ago, so weekdays line up as in the fixed scenario.
 */
export function recentScenario(today = new Date()): DemoScenario {
  const day = 86_400_000;
  const back = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 21 * day;
  const monday = back - ((new Date(back).getUTCDay() + 6) % 7) * day;
  return { ...smallScenario, startDate: new Date(monday).toISOString().slice(0, 10) };
}

/** A region of its own: moto's answer queues are per region, shared by every suite of the run. */
export const loopRegion = 'ca-central-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const buckets = { results: 'vigil-loop-results', artifacts: 'vigil-loop-artifacts', athena: 'vigil-loop-athena' };
export const loopDatabase = 'vigil_loop';
/** What every query of the loop reports scanning: Athena's minimum billed, 10 MB. */
export const athenaMinimumBytes = 10 * 1024 * 1024;
const workgroup = 'vigil-loop';

export { MOTO_STARTUP_TIMEOUT_MS };

/** The AWS side of the loop, with no worker: moto and its stand-ins, the config, an in-process runtime. */
export interface AwsWorld {
  dir: string;
  loaded: LoadedConfig;
  configPath: string;
  runtime: Runtime;
  motoUrl: string;
  topicArn: string;
  /** The SQS FIFO queue subscribed to the alerts topic, where the world was asked for a FIFO topic. */
  alertsQueueUrl?: string;
  endpoints: EndpointShimControl;
  feeder: MotoFeeder;
  twin: AthenaTwin;
  /** What answered Athena's statements: Trino for SELECTs and views, or the twin alone without Java 24+. */
  athena: TrinoAthena | AthenaTwin;
  alerts: string[];
  driftDate: string;
  /** A client of the given kind pointed at moto directly (for assertions). */
  s3: S3Client;
  close(): Promise<void>;
}

/** The world with an in-process worker on the shared dev server, on a queue of its own. */
export interface AwsLoopRig extends AwsWorld {
  client: Client;
  worker: Worker;
  taskQueue: string;
}

export async function startAwsLoopRig(): Promise<AwsLoopRig> {
  const env = await testEnv();
  const world = await startAwsWorld();
  try {
    const { worker, taskQueue, stop } = await startTestWorker(env, world.runtime.deps, 'aws-loop');
    return {
      ...world,
      client: env.client,
      worker,
      taskQueue,
      close: async () => {
        await stop();
        await world.close();
      },
    };
  } catch (error) {
    await world.close();
    throw error;
  }
}

export interface AwsWorldOptions {
  /**
   * Alerts to a FIFO topic with an SQS FIFO queue subscribed, which drops a repeated
   * MessageDeduplicationId: what a deployment that needs each update delivered once subscribes.
   * A standard topic (the default) delivers at least once.
   */
  fifoAlerts?: boolean;
}

export async function startAwsWorld(options: AwsWorldOptions = {}): Promise<AwsWorld> {
  const motoUrl = await motoEndpoint();
  const dir = await mkdtemp(join(tmpdir(), 'vigil-aws-loop-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  // The SDK's standard credential chain reads these, as it would a role's on AWS.
  const savedEnv = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' });
  closers.push(() => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) {
      if (savedEnv[key] === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = savedEnv[key];
    }
    return Promise.resolve();
  });
  try {
    const direct = { region: loopRegion, endpoint: motoUrl, credentials };
    const s3 = new S3Client({ ...direct, forcePathStyle: true });
    closers.push(() => Promise.resolve(s3.destroy()));
    for (const bucket of Object.values(buckets)) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: loopRegion } }));
    }
    const { topicArn, alertsQueueUrl } = await createAlertsTopic(direct, options.fifoAlerts === true);
    const athena = new AthenaClient(direct);
    await athena.send(
      new CreateWorkGroupCommand({ Name: workgroup, Configuration: { ResultConfiguration: { OutputLocation: `s3://${buckets.athena}/results/` } } }),
    );
    athena.destroy();

    const endpointShim = sageMakerEndpointShim({ updateDurationMs: 300 });
    const pipelineShim = createPipelineStepsShim();
    const shim = await startSageMakerShim(motoUrl, { ...pipelineShim.handlers, ...endpointShim.handlers });
    closers.push(() => shim.close());
    const sagemaker = new SageMakerClient({ ...direct, endpoint: shim.endpoint });
    closers.push(() => Promise.resolve(sagemaker.destroy()));

    const scenario = recentScenario();
    const { configPath: localConfigPath } = await prepareDemoWorkspace(dir, scenario);
    const twin = await AthenaTwin.open({ s3, mirrorDir: join(dir, 'mirror'), database: loopDatabase });
    closers.push(() => twin.close());
    const data = join(dir, 'data');
    await twin.defineSource('demand_production_log', `SELECT * FROM read_parquet('${join(data, 'production_log', '*', '*.parquet')}', union_by_name = true)`);
    await twin.defineSource('demand_labels', `SELECT * FROM read_parquet('${join(data, 'labels.parquet')}')`);
    await twin.defineSource('demand_baseline', `SELECT * FROM read_parquet('${join(data, 'baseline.parquet')}')`);
    const athenaEngine = await trinoAthenaOrTwin(twin, { dir: join(dir, 'trino'), database: loopDatabase, sources: ['demand_production_log', 'demand_labels', 'demand_baseline'] });

    const local = await loadConfig(localConfigPath);
    const trainer = new LocalTrainingPipeline({
      warehouse: twin.warehouse,
      dataDir: dir,
      contractFor: () => local.contracts.demand!,
      tablesFor: async () => {
        await twin.refresh();
        return { productionLog: 'demand_production_log', labels: 'demand_labels', baseline: 'demand_baseline', scoredPredictions: 'scored_predictions' };
      },
    });
    const artifacts = new Map<string, ModelArtifact>();
    const artifactAt = async (uri: string): Promise<ModelArtifact> => {
      const cached = artifacts.get(uri);
      if (cached !== undefined) return cached;
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const artifact = parseArtifact(JSON.parse((await object.Body?.transformToString()) ?? ''), uri);
      artifacts.set(uri, artifact);
      return artifact;
    };

    const feeder = await startMotoFeeder({
      upstream: shim.endpoint,
      motoUrl,
      // Athena bills at least 10 MB a query; each reports that, so a run's total is known.
      bytesScannedPerQuery: athenaMinimumBytes,
      hooks: {
        athenaQuery: (sql) => athenaEngine.answer(sql),
        invokeEndpoint: async (endpoint, body) => {
          const described = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
          const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: described.EndpointConfigName }));
          const variant = config.ProductionVariants?.[0];
          const model = await sagemaker.send(new DescribeModelCommand({ ModelName: variant?.ModelName }));
          // An uncompressed model is its folder (ModelDataSource), which SageMaker copies to /opt/ml/model.
          const folder = model.PrimaryContainer?.ModelDataSource?.S3DataSource?.S3Uri;
          const artifact = await artifactAt(model.PrimaryContainer?.ModelDataUrl ?? (folder === undefined ? '' : `${folder}model.json`));
          const rows = parseCsv(body.toString('utf8')).map((row) => row.map((cell) => (cell === '' ? null : cell)));
          return { body: predict(artifact, rows).join('\n'), contentType: 'text/csv', variant: variant?.VariantName ?? '' };
        },
        startPipelineExecution: async (request) => {
          await runTrainingSteps(request, { trainer, s3, dir, twin });
        },
      },
    });
    closers.push(() => feeder.close());

    const configPath = join(dir, 'vigil.aws.yaml');
    await writeFile(configPath, stringify(awsConfig(parse(await readFile(localConfigPath, 'utf8')) as Record<string, unknown>, feeder.endpoint, topicArn)));
    const loaded = await loadConfig(configPath);
    await pipelineDeployCommand({ config: configPath });

    const alerts: string[] = [];
    const runtime = await composeRuntime(loaded, { writeAlert: (text) => alerts.push(text), writeApproval: () => undefined });
    closers.push(() => runtime.close());

    // v1 in production, as a first deployment would have left it; alone in its folder, which SageMaker copies whole.
    const v1Uri = `s3://${buckets.artifacts}/models/demand/v1/model/model.json`;
    await putFile(s3, v1Uri, artifactPathFor(dir, 'demand', 'v1'));
    const v1 = { model: 'demand', version: 'v1', artifactUri: v1Uri };
    const tags = { 'vigil:model': 'demand', 'vigil:version': 'v1', 'vigil:env': 'production' };
    await runtime.deps.modelHost.createModelVersion(v1, tags);
    await runtime.deps.modelHost.pointEndpoint('demand-production', v1, tags);
    await runtime.deps.registry.register({ ...v1, metrics: {}, origin: { reason: 'initial deployment', workflowId: 'setup' }, registeredAt: `${scenario.startDate}T00:00:00.000Z` });
    await runtime.deps.registry.setStatus('demand', 'v1', 'Approved', 'setup', 'initial deployment');

    const start = Date.parse(`${scenario.startDate}T00:00:00Z`);
    return {
      dir,
      loaded,
      configPath,
      runtime,
      motoUrl,
      topicArn,
      ...(alertsQueueUrl === undefined ? {} : { alertsQueueUrl }),
      endpoints: endpointShim.control,
      feeder,
      twin,
      athena: athenaEngine,
      alerts,
      driftDate: new Date(start + scenario.driftFromDay * 86_400_000).toISOString().slice(0, 10),
      s3,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The alerts topic: standard, or FIFO with an SQS FIFO queue subscribed (its URL returned). */
async function createAlertsTopic(direct: SNSClientConfig & SQSClientConfig, fifo: boolean): Promise<{ topicArn: string; alertsQueueUrl?: string }> {
  const sns = new SNSClient(direct);
  const sqs = new SQSClient(direct);
  try {
    if (!fifo) return { topicArn: (await sns.send(new CreateTopicCommand({ Name: 'vigil-loop-alerts' }))).TopicArn ?? '' };
    const name = 'vigil-loop-alerts.fifo';
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes: { FifoTopic: 'true' } }))).TopicArn ?? '';
    const alertsQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }))).QueueUrl ?? '';
    const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: alertsQueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.Attributes?.['QueueArn'] ?? '' }));
    return { topicArn, alertsQueueUrl };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}

/** Athena's statements answered with Trino where Java 24+ is present; otherwise by the twin, with the reason printed. */
async function trinoAthenaOrTwin(twin: AthenaTwin, options: Parameters<typeof TrinoAthena.open>[2]): Promise<TrinoAthena | AthenaTwin> {
  try {
    return await TrinoAthena.open(twin, (await sharedTrino()).client, options);
  } catch (error) {
    if (!(error instanceof TrinoUnavailableError)) throw error;
    console.error(`Athena's SELECTs answered by the DuckDB twin, not Trino: ${error.message}`);
    return twin;
  }
}

/** The demo's config turned to mode "aws": Athena tables for sources, every client at the feeder. */
function awsConfig(local: Record<string, unknown>, endpointUrl: string, topicArn: string): Record<string, unknown> {
  const [model] = local['models'] as Record<string, unknown>[];
  return {
    ...local,
    mode: 'aws',
    aws: {
      region: loopRegion,
      endpointUrl,
      athena: { workgroup, database: loopDatabase, outputLocation: `s3://${buckets.athena}/results/`, pollIntervalMs: 5 },
      resultsLocation: `s3://${buckets.results}/tables/`,
      artifactsLocation: `s3://${buckets.artifacts}/`,
      sagemaker: {
        executionRoleArn: 'arn:aws:iam::123456789012:role/vigil-sagemaker',
        inferenceImage: '123456789012.dkr.ecr.ca-central-1.amazonaws.com/vigil-serve:1',
        deployment: {
          trafficRouting: 'CANARY',
          canaryPercent: 10,
          waitIntervalSeconds: 300,
          terminationWaitSeconds: 600,
          maximumExecutionTimeoutSeconds: 3600,
          autoRollbackAlarms: ['vigil-demand-production-errors'],
        },
        endpointPollSeconds: { min: 0.05, max: 0.2 },
        pipeline: {
          definition: join(process.cwd(), 'deploy', 'sagemaker', 'training-pipeline.json'),
          parameters: { TrainerImage: '123456789012.dkr.ecr.ca-central-1.amazonaws.com/vigil-train:1' },
        },
      },
      snsTopicArn: topicArn,
      tags: { team: 'ml-platform', 'cost-center': 'forecasting' },
    },
    models: [
      {
        ...quickLoopModel(model ?? {}),
        sources: { productionLog: { table: 'demand_production_log' }, labels: { table: 'demand_labels' }, baseline: { table: 'demand_baseline' } },
      },
    ],
  };
}

async function putFile(s3: S3Client, uri: string, path: string): Promise<void> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path) }));
}

/**
 * The pipeline's Train and Evaluate steps, locally: model/model.json and evaluation.json under OutputPrefix.
 * The rows the execution was given (LabelledRowsUri, Vigil's UNLOAD through the twin) are read back
 * and must be the rows the reference trainer trains and evaluates on.
 */
async function runTrainingSteps(
  request: Record<string, unknown>,
  context: { trainer: LocalTrainingPipeline; s3: S3Client; dir: string; twin: AthenaTwin },
): Promise<void> {
  const parameters = Object.fromEntries(((request['PipelineParameters'] ?? []) as { Name: string; Value: string }[]).map((p) => [p.Name, p.Value]));
  const value = (name: string): string => {
    const found = parameters[name];
    if (found === undefined) throw new Error(`StartPipelineExecution without parameter ${name}`);
    return found;
  };
  const training: TrainingRequest = {
    model: value('Model'),
    candidateVersion: value('CandidateVersion'),
    trainingWindow: { start: value('TrainingStart'), end: value('TrainingEnd') },
    holdoutWindow: { start: value('HoldoutStart'), end: value('HoldoutEnd') },
    holdoutShare: Number(value('HoldoutShare')),
    ...(value('ChampionVersion') === '' ? {} : { championVersion: value('ChampionVersion') }),
    asOf: value('AsOf'),
  };
  const exported = await labelledRowCounts(context, value('LabelledRowsUri'), value('OutputPrefix'));
  const { executionId } = await context.trainer.start(training);
  let execution = await context.trainer.describe(executionId);
  while (execution.status === 'Executing') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    execution = await context.trainer.describe(executionId);
  }
  if (execution.result === undefined) throw new Error(`local training of ${training.candidateVersion} ended ${execution.status}: ${execution.failureReason ?? ''}`);
  const used = { training: execution.result.trainingRows, holdout: execution.result.candidate.rows };
  if (exported.training !== used.training || exported.holdout !== used.holdout) {
    throw new Error(`LabelledRowsUri holds ${JSON.stringify(exported)} rows; the reference trainer used ${JSON.stringify(used)}`);
  }
  const prefix = value('OutputPrefix');
  // In a folder of its own: the endpoint's container gets every file of the model's folder.
  const modelUri = `${prefix}model/model.json`;
  await putFile(context.s3, modelUri, execution.result.artifactUri);
  const report = { ...execution.result, artifactUri: modelUri };
  const reportPath = join(context.dir, 'reports', `${training.candidateVersion}.json`);
  await mkdir(join(context.dir, 'reports'), { recursive: true });
  await writeFile(reportPath, JSON.stringify(report));
  await putFile(context.s3, `${prefix}evaluation.json`, reportPath);
}

/** Rows per part under the execution's LabelledRowsUri, which must be its folder under the pipeline inputs' prefix and hold Parquet rows. */
async function labelledRowCounts(
  context: { s3: S3Client; dir: string; twin: AthenaTwin },
  uri: string,
  outputPrefix: string,
): Promise<{ training: number; holdout: number }> {
  const expected = outputPrefix.replace(`s3://${buckets.artifacts}/models/`, `${pipelineInputsRoot({ bucket: buckets.artifacts, prefix: '' })}/`);
  if (uri !== expected) throw new Error(`LabelledRowsUri ${uri} is not ${expected}`);
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
  const listed = await context.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  // The rows only: the contract and the champion's artifact are staged beside them.
  const keys = (listed.Contents ?? []).map((object) => object.Key ?? '').filter((key) => isRowsObject(key.slice(prefix?.length ?? 0)));
  if (keys.length === 0) throw new Error(`StartPipelineExecution before the labelled rows were exported: nothing under ${uri}`);
  const folder = join(context.dir, 'exported', String(Date.now()));
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  for (const [index, key] of keys.entries()) {
    const object = await context.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const file = join(folder, `${index}.parquet`);
    await writeFile(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array());
    files.push(file);
  }
  const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
  const { rows } = await context.twin.warehouse.query(`SELECT "part", count(*) AS n FROM read_parquet([${list}]) GROUP BY "part"`);
  const counts = { training: 0, holdout: 0 };
  for (const row of rows) {
    if (row['part'] !== 'training' && row['part'] !== 'holdout') throw new Error(`exported row of part ${JSON.stringify(row['part'])} under ${uri}`);
    counts[row['part']] = Number(row['n']);
  }
  if (counts.training === 0) throw new Error(`the Parquet objects under ${uri} hold no training rows`);
  return counts;
}
