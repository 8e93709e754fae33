// SageMakerTrainingPipeline and deployPipeline against moto over real HTTP, through the SageMaker
// shim for what moto lacks (ListPipelineExecutionSteps; running or failed executions). The shim
// signs its own moto calls for us-east-1, so this suite stays there with names of its own. Athena
// is a stand-in that records the UNLOAD of the labelled rows and writes an object where it would.
import assert from 'node:assert/strict';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { S3ObjectStore } from '../../../../../src/adapters/aws/s3/s3-object-store.js';
import { deployPipeline, type DeployPipelineOptions } from '../../../../../src/adapters/aws/sagemaker/pipeline/pipeline-definition.js';
import { SageMakerTrainingPipeline, type SageMakerTrainingPipelineOptions } from '../../../../../src/adapters/aws/sagemaker/pipeline/sagemaker-training-pipeline.js';
import { parseContract } from '../../../../../src/domain/contract/contract.js';
import { demoContract } from '../../../../../src/demo/data/contract.js';
import { NonRetryableError } from '../../../../../src/domain/errors.js';
import { athenaDialect } from '../../../../../src/domain/sql/dialect.js';
import type { MonitoringTables } from '../../../../../src/domain/sql/query-input.js';
import { trainingRowsSql } from '../../../../../src/domain/sql/training-rows.js';
import type { TrainingRequest } from '../../../../../src/ports/training-pipeline.js';
import type { QueryResult, Warehouse } from '../../../../../src/ports/warehouse.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../../support/moto.js';
import { isNonRetryable } from '../../../../support/errors.js';
import { startSageMakerShim, type SageMakerShim } from '../../../../support/sagemaker-shim.js';
import { createPipelineStepsShim } from '../../../../support/sagemaker-shim-pipelines.js';

const definitionPath = 'deploy/sagemaker/training-pipeline.json';
const roleArn = 'arn:aws:iam::123456789012:role/vigil-sagemaker';
const trainerImage = '123456789012.dkr.ecr.us-east-1.amazonaws.com/vigil-trainer:2.1.0';
const unique = `${process.pid}-${Date.now().toString(36)}`;
let counter = 0;

function next(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}

function request(model: string, overrides: Partial<TrainingRequest> = {}): TrainingRequest {
  return {
    model,
    candidateVersion: 'v4',
    trainingWindow: { start: '2026-01-01', end: '2026-02-26T00:00:00Z' },
    holdoutWindow: { start: '2026-02-26T00:00:00Z', end: '2026-03-05T00:00:00+00:00' },
    holdoutShare: 1,
    championVersion: 'v3',
    asOf: '2026-03-05T06:00:00Z',
    parameters: { alpha: 0.5 },
    ...overrides,
  };
}

const contract = parseContract(demoContract());
const tables: MonitoringTables = { productionLog: 'demand_log', labels: 'demand_labels', baseline: 'demand_baseline', scoredPredictions: 'scored_predictions' };

/** Athena as far as start uses it: an UNLOAD writes an object under its target, and refuses a target holding objects. */
class UnloadingWarehouse implements Pick<Warehouse, 'dialect' | 'execute'> {
  readonly dialect = 'athena' as const;
  readonly statements: string[] = [];

  constructor(
    private readonly objects: S3ObjectStore,
    private readonly bucket: string,
  ) {}

  /** The UNLOADs whose target is under the given key prefix. */
  unloadsTo(prefix: string): string[] {
    return this.statements.filter((sql) => sql.includes(`TO 's3://${this.bucket}/${prefix}`));
  }

  async execute(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    const target = /\) TO 's3:\/\/[^/]+\/([^']+)' WITH \(format = 'PARQUET', compression = 'SNAPPY'\)$/.exec(sql)?.[1];
    if (target === undefined) throw new Error(`not an UNLOAD to Parquet: ${sql.slice(0, 60)}`);
    if ((await this.objects.list(target)).length > 0) throw new NonRetryableError(`HIVE_PATH_ALREADY_EXISTS: ${target} is not empty`, 'QUERY_FAILED');
    await this.objects.put(`${target}20260305_061200_00042_abcde_0`, 'PAR1');
    return { rows: [], queryId: `q-${this.statements.length}` };
  }
}

describe('SageMakerTrainingPipeline (moto + shim)', function () {
  const steps = createPipelineStepsShim();
  const pipelineName = `vigil-training-${unique}`;
  const bucket = `vigil-pipeline-test-${unique}`;
  let shim: SageMakerShim;
  let client: SageMakerClient;
  let s3: S3Client;
  let objects: S3ObjectStore;
  let warehouse: UnloadingWarehouse;
  let pipeline: SageMakerTrainingPipeline;

  function options(name = pipelineName, artifactsRoot = `s3://${bucket}/models/`): SageMakerTrainingPipelineOptions {
    return {
      client,
      pipelineName: name,
      roots: { outputs: artifactsRoot, inputs: `s3://${bucket}/pipeline-inputs/` },
      objectStore: objects,
      warehouse,
      // Every model here is the demo's under another name.
      contractFor: (model) => ({ ...contract, model }),
      tablesFor: () => Promise.resolve(tables),
    };
  }

  /** Deploys the repository's definition; the deploy test uses a pipeline of its own. */
  function deploy(overrides: Partial<DeployPipelineOptions> = {}): ReturnType<typeof deployPipeline> {
    return deployPipeline({
      client,
      name: `${pipelineName}-deploy`,
      roleArn,
      definitionPath,
      parameterDefaults: { TrainerImage: trainerImage },
      tags: { project: 'vigil' },
      description: 'Vigil retraining',
      ...overrides,
    });
  }

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    const motoUrl = await motoEndpoint();
    shim = await startSageMakerShim(motoUrl, steps.handlers);
    client = new SageMakerClient({ ...awsClientConfig(shim.endpoint), maxAttempts: 1 });
    // Path-style addressing: the bucket cannot be a subdomain of 127.0.0.1.
    s3 = new S3Client({ ...awsClientConfig(motoUrl), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    objects = new S3ObjectStore({ bucket, client: s3 });
    warehouse = new UnloadingWarehouse(objects, bucket);
    pipeline = new SageMakerTrainingPipeline(options());
    await deploy({ name: pipelineName });
  });

  after(async () => {
    client?.destroy();
    s3?.destroy();
    await shim?.close();
  });

  afterEach(() => {
    steps.clear();
  });

  it('deploys every job with the KMS key on outputs and volumes, network isolation and the VPC', async () => {
    const name = `${pipelineName}-secured`;
    const kmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/vigil';
    const vpc = { subnets: ['subnet-0a1b2c'], securityGroupIds: ['sg-0d1e2f'] };
    await deploy({ name, jobSecurity: { kmsKeyId, networkIsolation: true, vpc } });
    const described = await client.send(new DescribePipelineCommand({ PipelineName: name }));
    const steps = (JSON.parse(described.PipelineDefinition ?? '{}') as { Steps: { Type: string; Arguments: Record<string, Record<string, unknown>> }[] }).Steps;
    const train = steps.find((step) => step.Type === 'Training')?.Arguments;
    assert.equal(train?.['OutputDataConfig']?.['KmsKeyId'], kmsKeyId);
    assert.equal(train?.['ResourceConfig']?.['VolumeKmsKeyId'], kmsKeyId);
    assert.equal(train?.['ResourceConfig']?.['VolumeSizeInGB'], 30, 'the rest of the step is kept');
    assert.equal(train?.['EnableNetworkIsolation'], true);
    assert.deepEqual(train?.['VpcConfig'], { Subnets: vpc.subnets, SecurityGroupIds: vpc.securityGroupIds });
    const evaluate = steps.find((step) => step.Type === 'Processing')?.Arguments;
    assert.equal(evaluate?.['ProcessingOutputConfig']?.['KmsKeyId'], kmsKeyId);
    assert.equal((evaluate?.['ProcessingResources']?.['ClusterConfig'] as Record<string, unknown>)['VolumeKmsKeyId'], kmsKeyId);
    assert.deepEqual(evaluate?.['NetworkConfig'], { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, VpcConfig: { Subnets: vpc.subnets, SecurityGroupIds: vpc.securityGroupIds } });
    // Without a key or a VPC, isolation alone; deploying that again changes nothing.
    const plain = await deploy({ name, jobSecurity: { networkIsolation: true } });
    assert.equal(plain.updated, true);
    assert.equal((await deploy({ name, jobSecurity: { networkIsolation: true } })).updated, false);
  });

  it('deploys the definition: creates the pipeline, updates it in place, and changes nothing the third time', async () => {
    const created = await deploy();
    assert.deepEqual({ created: created.created, updated: created.updated }, { created: true, updated: true });
    assert.match(created.pipelineArn, new RegExp(`:pipeline/${pipelineName}-deploy$`));

    const newImage = trainerImage.replace('2.1.0', '2.2.0');
    const updated = await deploy({ parameterDefaults: { TrainerImage: newImage, alpha: '0.25' } });
    assert.deepEqual(updated, { pipelineArn: created.pipelineArn, created: false, updated: true });
    const described = await client.send(new DescribePipelineCommand({ PipelineName: `${pipelineName}-deploy` }));
    const defaults = Object.fromEntries(
      (JSON.parse(described.PipelineDefinition ?? '{}') as { Parameters: { Name: string; DefaultValue?: unknown }[] }).Parameters.map((p) => [p.Name, p.DefaultValue]),
    );
    assert.equal(defaults['TrainerImage'], newImage);
    assert.equal(defaults['alpha'], '0.25', 'text: HyperParameters take strings only');
    assert.equal(defaults['JobRoleArn'], roleArn, "jobs run as the pipeline's role by default");
    assert.equal(described.RoleArn, roleArn);
    assert.equal(described.PipelineDescription, 'Vigil retraining');

    const same = await deploy({ parameterDefaults: { TrainerImage: newImage, alpha: 0.25 } });
    assert.deepEqual(same, { pipelineArn: created.pipelineArn, created: false, updated: false }, 'a number from a config file is the same text');
    const tags = await client.send(new ListTagsCommand({ ResourceArn: created.pipelineArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'project', Value: 'vigil' }], 'tagged once');

    await assert.rejects(deploy({ parameterDefaults: {} }), isNonRetryable(/TrainerImage have no value/, 'INVALID_DEFINITION'));
    await assert.rejects(
      deploy({ parameterDefaults: { TrainerImage: newImage, LabelledRowsUri: `s3://${bucket}/tables/` } }),
      isNonRetryable(/parameter\(s\) LabelledRowsUri, which Vigil sends on every start: remove them/, 'INVALID_DEFINITION'),
    );
    await assert.rejects(deploy({ parameterDefaults: { TrainerImage: newImage, Nope: 1 } }), isNonRetryable(/undeclared parameter\(s\) Nope/));
  });

  it('starts an execution with the request as pipeline parameters', async () => {
    const model = next('demand');
    const { executionId } = await pipeline.start(request(model));
    assert.match(executionId, new RegExp(`^arn:aws:sagemaker:us-east-1:\\d{12}:pipeline/${pipelineName}/execution/`));
    const sent = await client.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: executionId }));
    assert.deepEqual(sent.PipelineParameters, [
      { Name: 'Model', Value: model },
      { Name: 'CandidateVersion', Value: 'v4' },
      { Name: 'TrainingStart', Value: '2026-01-01T00:00:00.000Z' },
      { Name: 'TrainingEnd', Value: '2026-02-26T00:00:00.000Z' },
      { Name: 'HoldoutStart', Value: '2026-02-26T00:00:00.000Z' },
      { Name: 'HoldoutEnd', Value: '2026-03-05T00:00:00.000Z' },
      { Name: 'HoldoutShare', Value: '1' },
      { Name: 'ChampionVersion', Value: 'v3' },
      { Name: 'AsOf', Value: '2026-03-05T06:00:00.000Z' },
      { Name: 'OutputPrefix', Value: `s3://${bucket}/models/${model}/v4/` },
      { Name: 'LabelledRowsUri', Value: `s3://${bucket}/pipeline-inputs/${model}/v4/` },
      { Name: 'alpha', Value: '0.5' },
    ]);
    const execution = await client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionId }));
    assert.match(execution.PipelineExecutionDisplayName ?? '', new RegExp(`^${model}-v4-[0-9a-f]{10}$`));

    const first = next('demand');
    const { executionId: withoutChampion } = await pipeline.start(request(first, { championVersion: undefined, holdoutShare: 0.2, parameters: undefined }));
    const values = (await client.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: withoutChampion }))).PipelineParameters ?? [];
    assert.deepEqual(
      values.filter((p) => ['ChampionVersion', 'HoldoutShare', 'alpha'].includes(p.Name ?? '')),
      [{ Name: 'HoldoutShare', Value: '0.2' }, { Name: 'ChampionVersion', Value: '' }],
    );
  });

  it('exports the labelled rows of both windows to LabelledRowsUri before it starts', async () => {
    const model = next('demand');
    await pipeline.start(request(model, { holdoutShare: 0.25, trainingWindow: { start: '2026-01-01', end: '2026-03-05' } }));
    const unloads = warehouse.unloadsTo(`pipeline-inputs/${model}/`);
    assert.equal(unloads.length, 1, 'one export');
    const unload = unloads[0] ?? '';
    assert.ok(unload.startsWith('UNLOAD (\n'), unload);
    assert.ok(unload.endsWith(`) TO 's3://${bucket}/pipeline-inputs/${model}/v4/' WITH (format = 'PARQUET', compression = 'SNAPPY')`), unload);
    // The local pipeline's builder, once per part: the same rows in both modes.
    const split = (part: 'training' | 'holdout') => ({ holdoutWindow: request(model).holdoutWindow, share: 0.25, part });
    const asOf = request(model).asOf;
    const training = trainingRowsSql({ contract: { ...contract, model }, tables, window: { start: '2026-01-01', end: '2026-03-05' }, asOf, dialect: athenaDialect, split: split('training') });
    const holdout = trainingRowsSql({ contract: { ...contract, model }, tables, window: request(model).holdoutWindow, asOf, dialect: athenaDialect, split: split('holdout') });
    assert.ok(unload.includes(`SELECT training_rows.*, 'training' AS "part"\nFROM (\n${training.sql}\n) AS training_rows`), unload);
    assert.ok(unload.includes(`UNION ALL\nSELECT holdout_rows.*, 'holdout' AS "part"\nFROM (\n${holdout.sql}\n) AS holdout_rows`), unload);
    // The rows Athena wrote and the contract beside them (no champion artifact known here).
    assert.deepEqual(
      (await objects.list(`pipeline-inputs/${model}/v4/`)).map((object) => object.key),
      [`pipeline-inputs/${model}/v4/20260305_061200_00042_abcde_0`, `pipeline-inputs/${model}/v4/contract.json`],
    );
  });

  it("stages the contract and the champion's registered artifact beside the rows, for jobs that can look nothing up", async () => {
    const model = next('demand');
    const asked: string[] = [];
    const artifacts: Record<string, string> = {
      v3: `s3://${bucket}/models/${model}/v3/pipelines-x-Train-1/output/model.tar.gz`,
      v2: `s3://${bucket}/models/${model}/v2/model/`,
    };
    await objects.put(`models/${model}/v3/pipelines-x-Train-1/output/model.tar.gz`, 'a tarball');
    await objects.put(`models/${model}/v2/model/model.json`, '{"version": "v2"}');
    const staging = new SageMakerTrainingPipeline({
      ...options(),
      artifactOf: (name, version) => {
        asked.push(`${name}/${version}`);
        return Promise.resolve(artifacts[version]);
      },
    });
    const folder = (version: string) => `pipeline-inputs/${model}/${version}/`;
    await staging.start(request(model, { candidateVersion: 'v4', championVersion: 'v3' }));
    await staging.start(request(model, { candidateVersion: 'v5', championVersion: 'v2' }));
    await staging.start(request(model, { candidateVersion: 'v6', championVersion: 'v1' }));
    await staging.start(request(model, { candidateVersion: 'v7', championVersion: undefined }));
    assert.deepEqual(asked, [`${model}/v3`, `${model}/v2`, `${model}/v1`]);
    const keys = async (version: string) => (await objects.list(folder(version))).map((object) => object.key.slice(folder(version).length)).sort();
    assert.deepEqual(await keys('v4'), ['20260305_061200_00042_abcde_0', 'champion/model.tar.gz', 'contract.json']);
    assert.equal(new TextDecoder().decode(await objects.get(`${folder('v4')}champion/model.tar.gz`)), 'a tarball');
    assert.deepEqual(await keys('v5'), ['20260305_061200_00042_abcde_0', 'champion/model.json', 'contract.json']);
    assert.equal(new TextDecoder().decode(await objects.get(`${folder('v5')}champion/model.json`)), '{"version": "v2"}');
    // No artifact known, or no champion: the Evaluate step reports none.
    assert.deepEqual(await keys('v6'), ['20260305_061200_00042_abcde_0', 'contract.json']);
    assert.deepEqual(await keys('v7'), ['20260305_061200_00042_abcde_0', 'contract.json']);
    const staged = parseContract(JSON.parse(new TextDecoder().decode(await objects.get(`${folder('v4')}contract.json`))));
    assert.deepEqual(staged, { ...contract, model });
  });

  it('empties the rows folder an interrupted export left, since UNLOAD refuses a folder with objects', async () => {
    const model = next('demand');
    await objects.put(`pipeline-inputs/${model}/v4/stale-from-an-export-whose-start-failed`, 'PAR1');
    await pipeline.start(request(model));
    assert.deepEqual(
      (await objects.list(`pipeline-inputs/${model}/v4/`)).map((object) => object.key),
      [`pipeline-inputs/${model}/v4/20260305_061200_00042_abcde_0`, `pipeline-inputs/${model}/v4/contract.json`],
    );
  });

  it('starting the same candidate again returns the one execution; another request for it is a conflict', async () => {
    const model = next('demand');
    const first = await pipeline.start(request(model));
    const again = await pipeline.start(request(model, { trainingWindow: { start: '2026-01-01T00:00:00Z', end: '2026-02-26' } }));
    assert.equal(again.executionId, first.executionId, 'the same instants written differently');
    assert.equal(warehouse.unloadsTo(`pipeline-inputs/${model}/`).length, 1, 'a start that joins exports nothing');
    const listed = await client.send(new ListPipelineExecutionsCommand({ PipelineName: pipelineName }));
    const mine = (listed.PipelineExecutionSummaries ?? []).filter((summary) => summary.PipelineExecutionDisplayName?.startsWith(`${model}-v4-`));
    assert.equal(mine.length, 1);
    await assert.rejects(pipeline.start(request(model, { parameters: { alpha: 2 } })), isNonRetryable(/already trains .*\/v4 with other parameters \(alpha\)/, 'CONFLICT'));
    const other = await pipeline.start(request(model, { candidateVersion: 'v5' }));
    assert.notEqual(other.executionId, first.executionId);
    const racing = next('demand');
    const [a, b] = await Promise.all([pipeline.start(request(racing)), pipeline.start(request(racing))]);
    assert.equal(a.executionId, b.executionId, 'two starts at once make one execution');
  });

  it('starts a new attempt once every execution of the candidate failed or stopped, and joins a running one', async () => {
    const model = next('demand');
    const mine = async (): Promise<{ arn: string; name: string }[]> => {
      const listed = await client.send(new ListPipelineExecutionsCommand({ PipelineName: pipelineName }));
      return (listed.PipelineExecutionSummaries ?? [])
        .filter((summary) => summary.PipelineExecutionDisplayName?.startsWith(`${model}-v4-`))
        .map((summary) => ({ arn: summary.PipelineExecutionArn ?? '', name: summary.PipelineExecutionDisplayName ?? '' }));
    };
    const first = await pipeline.start(request(model));
    steps.override(first.executionId, { status: 'Failed', steps: { Train: { status: 'Failed', failureReason: 'AlgorithmError: out of memory' } } });
    // The retry of a failed retraining: the same candidate, a later as-of time.
    const retry = request(model, { asOf: '2026-03-06T06:00:00Z' });
    const second = await pipeline.start(retry);
    assert.notEqual(second.executionId, first.executionId);
    assert.match((await mine()).find((execution) => execution.arn === second.executionId)?.name ?? '', new RegExp(`^${model}-v4-[0-9a-f]{10}-2$`));
    const sent = await client.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: second.executionId }));
    assert.ok(sent.PipelineParameters?.some((p) => p.Name === 'AsOf' && p.Value === '2026-03-06T06:00:00.000Z'));
    assert.equal(warehouse.unloadsTo(`pipeline-inputs/${model}/`).length, 2, 'the rows are exported again for the new attempt');
    assert.equal((await objects.list(`pipeline-inputs/${model}/v4/`)).length, 2, "rows and contract, in place of the first attempt's");

    // moto reports the new attempt Succeeded: it is joined by the same request, a conflict for another.
    assert.deepEqual(await pipeline.start(retry), second);
    await assert.rejects(pipeline.start(request(model)), isNonRetryable(/\(Succeeded\) already trains .*\/v4 with other parameters \(AsOf\)/, 'CONFLICT'));

    steps.override(second.executionId, { status: 'Stopped', failureReason: 'stopped by an operator' });
    const third = await pipeline.start(retry);
    assert.equal((await mine()).length, 3);
    steps.override(third.executionId, { status: 'Executing', steps: { Train: { status: 'Executing' } } });
    assert.deepEqual(await pipeline.start(retry), third, 'a running attempt is joined');
    await assert.rejects(pipeline.start(request(model)), isNonRetryable(/\(Executing\) already trains/, 'CONFLICT'));
    assert.equal(warehouse.unloadsTo(`pipeline-inputs/${model}/`).length, 3);
  });

  it('removes a failed attempt\'s report before the next attempt, so only the new one is read', async () => {
    const model = next('demand');
    const first = await pipeline.start(request(model));
    await objects.put(`models/${model}/v4/evaluation.json`, '{"written": "by the failed attempt"}');
    steps.override(first.executionId, { status: 'Failed', steps: { Evaluate: { status: 'Failed' } } });
    await pipeline.start(request(model));
    assert.equal(await objects.get(`models/${model}/v4/evaluation.json`), undefined);
  });

  it('describes a running execution with its most recent step, for heartbeats', async () => {
    const { executionId } = await pipeline.start(request(next('demand')));
    steps.override(executionId, { status: 'Executing', steps: { Train: { status: 'Succeeded' }, Evaluate: { status: 'Executing' } } });
    assert.deepEqual(await pipeline.describe(executionId), { executionId, status: 'Executing', step: 'Evaluate: Executing' });
    const listed = (await client.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: executionId }))).PipelineExecutionSteps ?? [];
    assert.deepEqual(
      listed.map((step) => [step.StepName, step.StepStatus, step.EndTime === undefined]),
      [['Evaluate', 'Executing', true], ['Train', 'Succeeded', false]],
      'the shim answers in AWS shape, most recent first',
    );
    assert.ok((listed[0]?.StartTime?.getTime() ?? 0) > (listed[1]?.StartTime?.getTime() ?? Number.NaN));
    steps.override(executionId, { status: 'Executing', steps: { Train: { status: 'Executing' } } });
    assert.deepEqual(await pipeline.describe(executionId), { executionId, status: 'Executing', step: 'Train: Executing' });
    steps.override(executionId, { status: 'Stopping', steps: { Train: { status: 'Stopping' } } });
    assert.deepEqual(await pipeline.describe(executionId), { executionId, status: 'Executing', step: 'stopping' });
  });

  it('returns the evaluation report of a succeeded execution as its result', async () => {
    const model = next('demand');
    const { executionId } = await pipeline.start(request(model));
    const report = {
      artifactUri: `s3://${bucket}/models/${model}/v4/pipelines-train/output/model.tar.gz`,
      trainingRows: 48_211,
      candidate: { rows: 6_880, rmse: 11.42, mae: 8.03 },
      champion: { rows: 6_880, rmse: 12.9, mae: null },
      evaluatedAt: '2026-03-05T07:12:00Z',
    };
    // What the pipeline's Evaluate step writes.
    await objects.put(`models/${model}/v4/evaluation.json`, JSON.stringify(report), 'application/json');
    const { evaluatedAt: _ignored, ...expected } = report;
    assert.deepEqual(await pipeline.describe(executionId), { executionId, status: 'Succeeded', step: 'Evaluate: Succeeded', result: expected });

    const lone = next('demand');
    const { executionId: withoutChampion } = await pipeline.start(request(lone, { championVersion: undefined }));
    const loneArtifact = `s3://${bucket}/models/${lone}/v4/pipelines-train/output/model.tar.gz`;
    await objects.put(`models/${lone}/v4/evaluation.json`, JSON.stringify({ ...expected, artifactUri: loneArtifact, champion: null }));
    const described = await pipeline.describe(withoutChampion);
    assert.deepEqual(described.result, { artifactUri: loneArtifact, trainingRows: expected.trainingRows, candidate: expected.candidate });
  });

  it('fails with the S3 key and the problem when the report is missing or malformed', async () => {
    const model = next('demand');
    const { executionId } = await pipeline.start(request(model));
    const key = `s3://${bucket}/models/${model}/v4/evaluation.json`;
    await assert.rejects(pipeline.describe(executionId), isNonRetryable(new RegExp(`evaluation report ${key} is missing`), 'NOT_FOUND'));
    await objects.put(`models/${model}/v4/evaluation.json`, '{"artifactUri": "s3://x/m.tar.gz", "trainingRows": 10, "candidate": {"rows": 5, "rmse": "low"');
    await assert.rejects(pipeline.describe(executionId), isNonRetryable(new RegExp(`evaluation report ${key} is not JSON`), 'INVALID_RESULT'));
    await objects.put(`models/${model}/v4/evaluation.json`, '{"artifactUri": "s3://x/m.tar.gz", "trainingRows": 10, "candidate": {"rows": 5, "rmse": "low", "mae": 1}}');
    await assert.rejects(pipeline.describe(executionId), isNonRetryable(new RegExp(`evaluation report ${key} is malformed: candidate\\.rmse`), 'INVALID_RESULT'));
  });

  it('refuses a report whose artifact is not under the execution\'s OutputPrefix', async () => {
    const model = next('demand');
    const { executionId } = await pipeline.start(request(model));
    const prefix = `s3://${bucket}/models/${model}/v4/`;
    const report = (artifactUri: string) => JSON.stringify({ artifactUri, trainingRows: 10, candidate: { rows: 5, rmse: 1, mae: 1 }, champion: null });
    const outside = (artifactUri: string) =>
      isNonRetryable(new RegExp(`names artifact ${artifactUri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which is not under the execution's OutputPrefix ${prefix}`), 'INVALID_RESULT');
    for (const artifactUri of [
      `s3://${bucket}/models/${model}/v3/model.tar.gz`,
      `s3://elsewhere/models/${model}/v4/model.tar.gz`,
      `${prefix}../v3/model.tar.gz`,
      prefix,
      `s3://${bucket}/models/${model}/v4-other/model.tar.gz`,
    ]) {
      await objects.put(`models/${model}/v4/evaluation.json`, report(artifactUri));
      await assert.rejects(pipeline.describe(executionId), outside(artifactUri), artifactUri);
    }
    await objects.put(`models/${model}/v4/evaluation.json`, report(`${prefix}pipelines-abc-Train/output/model.tar.gz`));
    assert.equal((await pipeline.describe(executionId)).result?.artifactUri, `${prefix}pipelines-abc-Train/output/model.tar.gz`);
  });

  it('surfaces the failed step and its reason', async () => {
    const { executionId } = await pipeline.start(request(next('demand')));
    steps.override(executionId, {
      status: 'Failed',
      steps: { Train: { status: 'Failed', failureReason: 'AlgorithmError: no labelled rows in the training window' } },
    });
    assert.deepEqual(await pipeline.describe(executionId), {
      executionId,
      status: 'Failed',
      step: 'Train: Failed',
      failureReason: 'step Train failed: AlgorithmError: no labelled rows in the training window',
    });
    steps.override(executionId, {
      status: 'Failed',
      failureReason: 'Step failure: One or multiple steps failed.',
      steps: { Train: { status: 'Succeeded' }, Evaluate: { status: 'Failed', failureReason: 'ClientError: champion v3 has no model package' } },
    });
    const described = await pipeline.describe(executionId);
    assert.equal(described.failureReason, 'Step failure: One or multiple steps failed. (step Evaluate failed: ClientError: champion v3 has no model package)');
    assert.equal(described.result, undefined);
  });

  it('refuses requests the pipeline cannot run and ids that are not executions', async () => {
    const model = next('demand');
    await assert.rejects(pipeline.start(request(model, { championVersion: 'v4' })), isNonRetryable(/candidate version v4 is the champion/, 'INVALID_INPUT'));
    await assert.rejects(pipeline.start(request(model, { parameters: { depth: 3 } })), isNonRetryable(/unknown training parameter\(s\) depth/));
    await assert.rejects(pipeline.start(request(model, { holdoutWindow: { start: '2026-02-20', end: '2026-03-05' } })), isNonRetryable(/must start at or after/));
    await assert.rejects(pipeline.start(request(model, { asOf: 'yesterday' })), isNonRetryable(/as-of time "yesterday"/));
    await assert.rejects(pipeline.describe('local-demand-v4'), isNonRetryable(/not a SageMaker pipeline execution ARN/, 'INVALID_INPUT'));
    const missing = `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipelineName}/execution/nosuchexecution`;
    await assert.rejects(pipeline.describe(missing), isNonRetryable(new RegExp(`describe pipeline execution ${missing}`)));
    const elsewhere = new SageMakerTrainingPipeline(options(`${pipelineName}-missing`, `s3://${bucket}/models`));
    await assert.rejects(elsewhere.start(request(model)), isNonRetryable(new RegExp(`list executions of pipeline ${pipelineName}-missing`)));
    const wrongContract = new SageMakerTrainingPipeline({ ...options(), contractFor: () => contract });
    await assert.rejects(wrongContract.start(request(model)), isNonRetryable(/the contract for "demand\d+" is the contract of "demand"/, 'INVALID_INPUT'));
    assert.equal(warehouse.unloadsTo(`pipeline-inputs/${model}/`).length, 0, 'nothing exported for a refused request');
  });
});
