// The training pipeline's jobs as SageMaker runs them in the Vigil image: `vigil train` and
// `vigil evaluate` as real processes over a job folder laid out like /opt/ml, its inputs the local
// trainer's own export of a demo data set. The model and the report must be the local pipeline's
// on the same rows, the report one the gate reads, and a bad input a failed job with one line.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluationReportSchema, type EvaluationReport } from '../../src/adapters/aws/sagemaker/pipeline/pipeline-parameters.js';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { artifactPathFor } from '../../src/adapters/local/model-host/local-model-host.js';
import { LocalTrainingPipeline } from '../../src/adapters/local/training/local-training-pipeline.js';
import { parseContract } from '../../src/domain/contract/contract.js';
import { parseArtifact, type ModelArtifact } from '../../src/domain/model/artifact.js';
import { predict } from '../../src/domain/model/predict.js';
import { championChallengerGate } from '../../src/domain/retraining/gate.js';
import { type MonitoringTables } from '../../src/domain/sql/query-input.js';
import { decodeTrainingRows, trainingRowsSql } from '../../src/domain/sql/training-rows.js';
import { demoContract } from '../../src/demo/data/contract.js';
import { writeDemoFiles } from '../../src/demo/demo-files.js';
import type { PipelineExecution, TrainingRequest } from '../../src/ports/training-pipeline.js';
import { processingPaths, trainingPaths } from '../../src/sagemaker-container/job-paths.js';
import {
  evaluationEnvironment,
  hyperparametersOf,
  packModel,
  runContainerJob,
  stageChampion,
  stageLabelledRows,
  writeHyperparameters,
  type JobRun,
} from '../support/sagemaker-job-inputs.js';

const contract = parseContract(demoContract());
const request: TrainingRequest = {
  model: 'demand',
  candidateVersion: 'v2',
  // A hash split: the windows overlap, the parts never share a row.
  trainingWindow: { start: '2024-04-01T00:00:00Z', end: '2024-04-08T00:00:00Z' },
  holdoutWindow: { start: '2024-04-05T00:00:00Z', end: '2024-04-08T00:00:00Z' },
  holdoutShare: 0.5,
  championVersion: 'v1',
  asOf: '2024-04-20T00:00:00Z',
  parameters: { alpha: 2 },
};
const candidateUri = 's3://vigil-artifacts/models/demand/v2/pipelines-abc-Train-x1/output/model.tar.gz';

/** The largest absolute difference between two models' predictions on the same rows. */
function maxDifference(a: ModelArtifact, b: ModelArtifact, rows: readonly (readonly (string | number | boolean | null)[])[]): number {
  const left = predict(a, rows);
  const right = predict(b, rows);
  return Math.max(...left.map((value, index) => Math.abs(value - (right[index] ?? Number.NaN))));
}

function oneLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${text}`);
  return lines[0] ?? '';
}

describe('SageMaker training pipeline jobs (`vigil train`, `vigil evaluate` as processes)', function () {
  this.timeout(180_000);
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let tables: MonitoringTables;
  let local: PipelineExecution;
  let localArtifact: ModelArtifact;
  let mlRoot: string;
  let trained: JobRun;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-sagemaker-jobs-'));
    const data = join(dir, 'data');
    await writeDemoFiles({
      dir: data,
      seed: 21,
      startDate: '2024-04-01',
      days: 8,
      rowsPerDay: 150,
      driftFromDay: 4,
      baselineRows: 400,
      malformedRate: 0.02,
      unloggedEvery: 0,
      artifactPath: artifactPathFor(dir, 'demand', 'v1'),
    });
    warehouse = await DuckDbWarehouse.open();
    await warehouse.ensureResultTables();
    tables = await warehouse.registerFileSources({
      contract,
      productionLog: { path: join(data, 'production_log', '*', '*.parquet'), format: 'parquet' },
      labels: { path: join(data, 'labels.parquet'), format: 'parquet' },
      baseline: { path: join(data, 'baseline.parquet'), format: 'parquet' },
    });
    // The local pipeline on the request: what SageMaker must reproduce.
    const pipeline = new LocalTrainingPipeline({ warehouse, dataDir: dir, contractFor: () => contract, tablesFor: () => Promise.resolve(tables) });
    const { executionId } = await pipeline.start(request);
    await pipeline.idle();
    local = await pipeline.describe(executionId);
    assert.equal(local.status, 'Succeeded', local.failureReason);
    localArtifact = parseArtifact(JSON.parse(await readFile(artifactPathFor(dir, 'demand', 'v2'), 'utf8')));

    mlRoot = join(dir, 'opt-ml');
    const labelled = trainingPaths(mlRoot).labelled;
    await stageLabelledRows(labelled, { warehouse, contract, tables, request }, join(dir, 'export'));
    await stageChampion(labelled, artifactPathFor(dir, 'demand', 'v1'));
    await writeHyperparameters(mlRoot, hyperparametersOf(request));
    trained = runContainerJob('train', mlRoot);
  });

  after(async () => {
    await warehouse?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function rowsOf(window: { start: string; end: string }, part: 'training' | 'holdout') {
    const split = { holdoutWindow: request.holdoutWindow, share: request.holdoutShare ?? 1, part };
    const built = trainingRowsSql({ contract, tables, window, asOf: request.asOf, dialect: warehouse.sql, split });
    return decodeTrainingRows((await warehouse.query(built.sql)).rows, contract);
  }

  describe('vigil train', () => {
    let artifact: ModelArtifact;

    before(async () => {
      assert.equal(trained.status, 0, trained.stderr);
      artifact = parseArtifact(JSON.parse(await readFile(join(trainingPaths(mlRoot).modelDir, 'model.json'), 'utf8')));
    });

    it("writes model.json, the local trainer's model: same rows, contract, coefficients and predictions (to 1e-9)", async () => {
      // The same code on the same rows: the very file the local pipeline wrote.
      assert.equal(await readFile(join(trainingPaths(mlRoot).modelDir, 'model.json'), 'utf8'), await readFile(artifactPathFor(dir, 'demand', 'v2'), 'utf8'));
      assert.deepEqual(
        [artifact.model, artifact.version, artifact.featureSchemaVersion, artifact.features, artifact.trainedAt, artifact.alpha],
        ['demand', 'v2', contract.feature_schema_version, contract.features.map((feature) => feature.name), '2024-04-20T00:00:00.000Z', 2],
      );
      assert.equal(artifact.trainingRows, local.result?.trainingRows);
      assert.ok(artifact.trainingRows > 400, `${artifact.trainingRows} training rows`);
      assert.deepEqual(artifact.encoding, localArtifact.encoding);
      artifact.coefficients.forEach((coefficient, index) => assert.ok(Math.abs(coefficient - (localArtifact.coefficients[index] ?? 0)) < 1e-9, `coefficient ${index}`));
      const training = await rowsOf(request.trainingWindow, 'training');
      const holdout = await rowsOf(request.holdoutWindow, 'holdout');
      const difference = maxDifference(artifact, localArtifact, [...training, ...holdout].map((row) => row.features));
      assert.ok(difference < 1e-9, `predictions differ by up to ${difference}`);
      assert.ok(artifact.metrics !== undefined && localArtifact.metrics !== undefined);
      assert.equal(artifact.metrics.holdoutRows, localArtifact.metrics.holdoutRows);
      assert.ok(Math.abs(artifact.metrics.rmse - localArtifact.metrics.rmse) < 1e-9);
    });

    it('prints the lines the Train step scrapes: training_rows and training_rmse', () => {
      const rows = /^training_rows=([0-9]+)$/m.exec(trained.stdout)?.[1];
      const rmse = /^training_rmse=([-+0-9.eE]+)$/m.exec(trained.stdout)?.[1];
      assert.equal(Number(rows), artifact.trainingRows);
      assert.ok(Number(rmse) > 0 && Number.isFinite(Number(rmse)), trained.stdout);
      assert.match(trained.stderr, /vigil train: wrote demand\/v2 to .*model\.json/);
    });

    it('fails with one line in output/failure and exit code 1 when the channel is missing', async () => {
      const root = join(dir, 'no-channel');
      await writeHyperparameters(root, hyperparametersOf(request));
      const run = runContainerJob('train', root);
      assert.equal(run.status, 1);
      const reason = oneLine(await readFile(trainingPaths(root).failure, 'utf8'));
      assert.equal(reason, `channel labelled ${trainingPaths(root).labelled} does not exist: the job was given no such input`);
      assert.equal(oneLine(run.stderr), `vigil train: ${reason}`);
    });

    it('names the hyperparameter and its value when one is wrong', async () => {
      const root = join(dir, 'bad-alpha');
      await writeHyperparameters(root, { ...hyperparametersOf(request), alpha: '-1' });
      const run = runContainerJob('train', root);
      assert.equal(run.status, 1);
      assert.equal(oneLine(await readFile(trainingPaths(root).failure, 'utf8')), 'hyperparameter alpha is "-1": must be a finite number >= 0');
      const missing = join(dir, 'no-as-of');
      const { 'as-of': _asOf, ...rest } = hyperparametersOf(request);
      await writeHyperparameters(missing, rest);
      assert.equal(runContainerJob('train', missing).status, 1);
      assert.equal(oneLine(await readFile(trainingPaths(missing).failure, 'utf8')), 'hyperparameter as-of is missing');
    });
  });

  describe('vigil evaluate', () => {
    let report: EvaluationReport;
    let evaluated: JobRun;

    before(async () => {
      assert.equal(trained.status, 0, trained.stderr);
      // The Train step's model folder as SageMaker hands it to the Evaluate step.
      await packModel(trainingPaths(mlRoot).modelDir, join(processingPaths(mlRoot).candidate, 'model.tar.gz'));
      await stageLabelledRows(processingPaths(mlRoot).labelled, { warehouse, contract, tables, request }, join(dir, 'export-2'));
      await stageChampion(processingPaths(mlRoot).labelled, artifactPathFor(dir, 'demand', 'v1'));
      evaluated = runContainerJob('evaluate', mlRoot, evaluationEnvironment(mlRoot, request, candidateUri));
      assert.equal(evaluated.status, 0, evaluated.stderr);
      const text = await readFile(join(processingPaths(mlRoot).evaluation, 'evaluation.json'), 'utf8');
      report = evaluationReportSchema.parse(JSON.parse(text));
    });

    it('writes the report the gate reads: the artifact Train made and the training rows', () => {
      assert.equal(report.artifactUri, candidateUri);
      assert.equal(report.trainingRows, local.result?.trainingRows);
    });

    it("scores candidate and champion on the same holdout rows as the local pipeline, to 1e-9", () => {
      const expected = local.result;
      assert.ok(expected?.champion !== undefined && report.champion !== undefined);
      assert.equal(expected.champion.basis, 'artifact');
      assert.ok(report.candidate.rows > 150, `${report.candidate.rows} holdout rows`);
      assert.deepEqual([report.candidate.rows, report.champion.rows], [expected.candidate.rows, expected.candidate.rows]);
      for (const [name, got, want] of [
        ['candidate rmse', report.candidate.rmse, expected.candidate.rmse],
        ['candidate mae', report.candidate.mae, expected.candidate.mae],
        ['champion rmse', report.champion.rmse, expected.champion.rmse],
        ['champion mae', report.champion.mae, expected.champion.mae],
      ] as const) {
        assert.ok(got !== null && want !== null && Math.abs(got - want) < 1e-9, `${name}: ${got} vs ${want}`);
      }
      const gate = (metrics: typeof report) => championChallengerGate(metrics.candidate, metrics.champion, 0.05, 'v1');
      assert.deepEqual(gate(report), championChallengerGate(expected.candidate, expected.champion, 0.05, 'v1'));
      assert.match(evaluated.stdout, /^candidate_rmse=[0-9.eE+-]+$/m);
    });

    it('reports no champion when there is none, and null for a champion with no staged artifact', async () => {
      const env = evaluationEnvironment(mlRoot, request, candidateUri);
      const championOf = async (path: string): Promise<unknown> => (JSON.parse(await readFile(path, 'utf8')) as { champion: unknown }).champion;
      const none = join(dir, 'none', 'evaluation.json');
      const noChampion = runContainerJob('evaluate', mlRoot, { ...env, VIGIL_CHAMPION_VERSION: '', VIGIL_REPORT_PATH: none });
      assert.equal(noChampion.status, 0, noChampion.stderr);
      assert.equal(await championOf(none), null);
      // A champion registered without an artifact: the gate then fails the candidate rather than pass it unchecked.
      const root = join(dir, 'unstaged');
      await stageLabelledRows(processingPaths(root).labelled, { warehouse, contract, tables, request }, join(dir, 'export-3'));
      await packModel(trainingPaths(mlRoot).modelDir, join(processingPaths(root).candidate, 'model.tar.gz'));
      const unstaged = runContainerJob('evaluate', root, evaluationEnvironment(root, request, candidateUri));
      assert.equal(unstaged.status, 0, unstaged.stderr);
      assert.equal(await championOf(join(processingPaths(root).evaluation, 'evaluation.json')), null);
      assert.match(unstaged.stderr, /champion v1 has no artifact in .*champion: it is not evaluated/);
    });

    it('refuses a staged champion that is another version, and a candidate that is not the one named', async () => {
      const env = evaluationEnvironment(mlRoot, request, candidateUri);
      const other = runContainerJob('evaluate', mlRoot, { ...env, VIGIL_CHAMPION_VERSION: 'v0', VIGIL_REPORT_PATH: join(dir, 'v0', 'evaluation.json') });
      assert.equal(other.status, 1);
      assert.match(oneLine(await readFile(processingPaths(mlRoot).message, 'utf8')), /^champion artifact .*model\.json is demand\/v1, not demand\/v0$/);
      const renamed = runContainerJob('evaluate', mlRoot, { ...env, VIGIL_CANDIDATE_VERSION: 'v3' });
      assert.equal(renamed.status, 1);
      assert.match(oneLine(await readFile(processingPaths(mlRoot).message, 'utf8')), /^candidate: model artifact .*model\.json is demand\/v2, but this container serves version v3$/);
    });

    it('fails with one line in output/message naming a missing or bad environment variable', async () => {
      const env = evaluationEnvironment(mlRoot, request, candidateUri);
      const { VIGIL_CANDIDATE_VERSION: _version, ...withoutVersion } = env;
      const missing = runContainerJob('evaluate', mlRoot, withoutVersion);
      assert.equal(missing.status, 1);
      assert.equal(oneLine(await readFile(processingPaths(mlRoot).message, 'utf8')), 'environment variable VIGIL_CANDIDATE_VERSION is missing');
      assert.equal(oneLine(missing.stderr), 'vigil evaluate: environment variable VIGIL_CANDIDATE_VERSION is missing');
      const bad = runContainerJob('evaluate', mlRoot, { ...env, VIGIL_HOLDOUT_SHARE: '1.5' });
      assert.equal(bad.status, 1);
      assert.equal(oneLine(await readFile(processingPaths(mlRoot).message, 'utf8')), 'environment variable VIGIL_HOLDOUT_SHARE is "1.5": must be a number in (0, 1]');
    });
  });
});
