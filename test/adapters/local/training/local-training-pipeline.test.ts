// The local training pipeline over a small demo data set on DuckDB: trains, writes a servable
// artifact, evaluates candidate and champion on the same holdout rows, fails with a reason,
// starts once per candidate, runs again when started after a failure, and survives a worker
// restart.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoFiles } from '../../../../src/demo/demo-files.js';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { artifactPathFor } from '../../../../src/adapters/local/model-host/local-model-host.js';
import { LocalTrainingPipeline } from '../../../../src/adapters/local/training/local-training-pipeline.js';
import { parseContract, type FeatureContract } from '../../../../src/domain/contract/contract.js';
import { demoContract } from '../../../../src/demo/data/contract.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { parseArtifact } from '../../../../src/domain/model/artifact.js';
import { predict } from '../../../../src/domain/model/predict.js';
import { type MonitoringTables } from '../../../../src/domain/sql/query-input.js';
import { decodeTrainingRows, trainingRowsSql } from '../../../../src/domain/sql/training-rows.js';
import type { PipelineExecution, TrainingRequest } from '../../../../src/ports/training-pipeline.js';
import type { Warehouse } from '../../../../src/ports/warehouse.js';

const request = (candidateVersion: string, extra: Partial<TrainingRequest> = {}): TrainingRequest => ({
  model: 'demand',
  candidateVersion,
  trainingWindow: { start: '2024-04-01T00:00:00Z', end: '2024-04-06T00:00:00Z' },
  holdoutWindow: { start: '2024-04-06T00:00:00Z', end: '2024-04-08T00:00:00Z' },
  championVersion: 'v1',
  asOf: '2024-04-20T00:00:00Z',
  parameters: { alpha: 1 },
  ...extra,
});

/**
 * Counts the queries that reach the warehouse, exports (COPY, run through execute) included: a
 * second training run would show up here.
 */
class CountingWarehouse implements Warehouse {
  readonly dialect: Warehouse['dialect'];
  queries = 0;
  constructor(private readonly inner: Warehouse) {
    this.dialect = inner.dialect;
  }
  query(...args: Parameters<Warehouse['query']>): ReturnType<Warehouse['query']> {
    this.queries += 1;
    return this.inner.query(...args);
  }
  execute(...args: Parameters<Warehouse['execute']>): ReturnType<Warehouse['execute']> {
    this.queries += 1;
    return this.inner.execute(...args);
  }
  replaceRows(...args: Parameters<Warehouse['replaceRows']>): ReturnType<Warehouse['replaceRows']> {
    return this.inner.replaceRows(...args);
  }
  replaceFromQuery(...args: Parameters<Warehouse['replaceFromQuery']>): ReturnType<Warehouse['replaceFromQuery']> {
    return this.inner.replaceFromQuery(...args);
  }
  appendRows(...args: Parameters<Warehouse['appendRows']>): ReturnType<Warehouse['appendRows']> {
    return this.inner.appendRows(...args);
  }
  describe(...args: Parameters<Warehouse['describe']>): ReturnType<Warehouse['describe']> {
    return this.inner.describe(...args);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('LocalTrainingPipeline', () => {
  let dataDir: string;
  let duckdb: DuckDbWarehouse;
  let warehouse: CountingWarehouse;
  let tables: MonitoringTables;
  const contract: FeatureContract = parseContract(demoContract());
  const pipelineFor = (options: { maxAttempts?: number } = {}): LocalTrainingPipeline =>
    new LocalTrainingPipeline({
      warehouse,
      dataDir,
      contractFor: (model) => {
        if (model !== 'demand') throw new NonRetryableError(`unknown model ${model}`, 'UNKNOWN_MODEL');
        return contract;
      },
      tablesFor: () => Promise.resolve(tables),
      ...options,
    });

  async function finished(pipeline: LocalTrainingPipeline, executionId: string): Promise<PipelineExecution> {
    await pipeline.idle();
    return pipeline.describe(executionId);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-training-'));
    const data = join(dataDir, 'data');
    await writeDemoFiles({
      dir: data,
      seed: 11,
      startDate: '2024-04-01',
      days: 8,
      rowsPerDay: 150,
      driftFromDay: 99,
      baselineRows: 400,
      malformedRate: 0.02,
      unloggedEvery: 0,
      artifactPath: artifactPathFor(dataDir, 'demand', 'v1'),
    });
    duckdb = await DuckDbWarehouse.open();
    await duckdb.ensureResultTables();
    tables = await duckdb.registerFileSources({
      contract,
      productionLog: { path: join(data, 'production_log', '*', '*.parquet'), format: 'parquet' },
      labels: { path: join(data, 'labels.parquet'), format: 'parquet' },
      baseline: { path: join(data, 'baseline.parquet'), format: 'parquet' },
    });
    warehouse = new CountingWarehouse(duckdb);
  });
  after(async () => {
    await duckdb.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('a successful execution', () => {
    let pipeline: LocalTrainingPipeline;
    let execution: PipelineExecution;

    before(async () => {
      pipeline = pipelineFor();
      const { executionId } = await pipeline.start(request('v2'));
      assert.equal(executionId, 'local-demand-v2');
      execution = await finished(pipeline, executionId);
    });

    it('succeeds with the artifact where the model host serves versions from', async () => {
      assert.equal(execution.status, 'Succeeded', execution.failureReason);
      const path = artifactPathFor(dataDir, 'demand', 'v2');
      assert.equal(execution.result?.artifactUri, path);
      const artifact = parseArtifact(JSON.parse(await readFile(path, 'utf8')));
      assert.deepEqual([artifact.model, artifact.version, artifact.trainedAt], ['demand', 'v2', '2024-04-20T00:00:00.000Z']);
      assert.equal(artifact.alpha, 1);
      const predictions = predict(artifact, [[3.5, 4, false, 'mall', 2, 18, 900], ['3.5', '', 'true', 'street', '5', null, '1200']]);
      assert.ok(predictions.every(Number.isFinite), predictions.join(', '));
    });

    it('trains on every valid labelled row of the training window', async () => {
      const built = trainingRowsSql({ contract, tables, window: request('v2').trainingWindow, asOf: request('v2').asOf, dialect: duckdb.sql });
      const rows = decodeTrainingRows((await duckdb.query(built.sql)).rows, contract);
      assert.ok(rows.length > 500 && rows.length < 750, `${rows.length} training rows`);
      assert.equal(execution.result?.trainingRows, rows.length);
    });

    it("writes the candidate's own prediction for each record it was trained on, beside its artifact", async () => {
      const built = trainingRowsSql({ contract, tables, window: request('v2').trainingWindow, asOf: request('v2').asOf, dialect: duckdb.sql });
      const trained = decodeTrainingRows((await duckdb.query(built.sql)).rows, contract);
      const path = execution.result?.scoredRowsUri;
      assert.equal(path, artifactPathFor(dataDir, 'demand', 'v2').replace(/\.json$/, '.training-rows.jsonl'));
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as { record_id: string; prediction: number });
      assert.equal(lines.length, new Set(trained.map((row) => row.recordId)).size);
      const artifact = parseArtifact(JSON.parse(await readFile(artifactPathFor(dataDir, 'demand', 'v2'), 'utf8')));
      const expected = predict(artifact, trained.map((row) => row.features));
      const byRecord = new Map(lines.map((line) => [line.record_id, line.prediction]));
      trained.forEach((row, index) => assert.ok(Math.abs((byRecord.get(row.recordId) ?? Number.NaN) - (expected[index] ?? 0)) < 1e-9, row.recordId));
    });

    it('evaluates candidate and champion on the same holdout rows', async () => {
      const { candidate, champion } = execution.result ?? {};
      assert.ok(candidate !== undefined && champion !== undefined);
      assert.ok(candidate.rows > 200, `${candidate.rows} holdout rows`);
      assert.equal(champion.rows, candidate.rows);
      assert.ok(candidate.rmse !== null && candidate.rmse > 0 && candidate.mae !== null && candidate.mae <= candidate.rmse);
      const artifact = parseArtifact(JSON.parse(await readFile(artifactPathFor(dataDir, 'demand', 'v2'), 'utf8')));
      assert.equal(artifact.metrics?.holdoutRows, candidate.rows);
      assert.ok(Math.abs((artifact.metrics?.rmse ?? 0) - candidate.rmse) < 1e-9);
    });

    it('scores the champion as it scored in production', async () => {
      // v1 scored every logged row of the demo log: its RMSE against the same labels is known.
      const built = trainingRowsSql({ contract, tables, window: request('v2').holdoutWindow, asOf: request('v2').asOf, dialect: duckdb.sql });
      const holdout = decodeTrainingRows((await duckdb.query(built.sql)).rows, contract);
      const logged = new Map(
        (await duckdb.query(`SELECT record_id, prediction FROM ${tables.productionLog}`)).rows.map((row) => [row['record_id'], row['prediction']]),
      );
      const squared = holdout.map((row) => ((logged.get(row.recordId) as number) - row.label) ** 2);
      const expected = Math.sqrt(squared.reduce((sum, value) => sum + value, 0) / squared.length);
      assert.ok(Math.abs((execution.result?.champion?.rmse ?? 0) - expected) < 1e-9, `${execution.result?.champion?.rmse} vs ${expected}`);
    });

    it('keeps the execution in a state file that a restarted worker reads', async () => {
      const state = JSON.parse(await readFile(join(dataDir, 'pipelines', 'local-demand-v2.json'), 'utf8')) as { status: string; attempts: number };
      assert.deepEqual([state.status, state.attempts], ['Succeeded', 1]);
      assert.deepEqual(await pipelineFor().describe('local-demand-v2'), execution);
    });

    it('returns the same execution when started again, without training again', async () => {
      const artifactTime = (await stat(artifactPathFor(dataDir, 'demand', 'v2'))).mtimeMs;
      const queries = warehouse.queries;
      const again = await Promise.all([pipeline.start(request('v2')), pipelineFor().start(request('v2'))]);
      assert.deepEqual(again, [{ executionId: 'local-demand-v2' }, { executionId: 'local-demand-v2' }]);
      assert.deepEqual(await finished(pipeline, 'local-demand-v2'), execution);
      assert.equal(warehouse.queries, queries);
      assert.equal((await stat(artifactPathFor(dataDir, 'demand', 'v2'))).mtimeMs, artifactTime);
    });

    it('refuses a start of the same candidate for a different request', async () => {
      await assert.rejects(pipeline.start(request('v2', { asOf: '2024-04-21T00:00:00Z' })), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError);
        assert.equal(error.code, 'CONFLICT');
        return true;
      });
    });
  });

  it('runs a job once when two starts overlap', async () => {
    const pipeline = pipelineFor();
    const queries = warehouse.queries;
    await Promise.all([pipeline.start(request('v3')), pipeline.start(request('v3')), pipelineFor().start(request('v3'))]);
    assert.equal((await finished(pipeline, 'local-demand-v3')).status, 'Succeeded');
    assert.equal(warehouse.queries - queries, 2, 'one training and one holdout query');
  });

  it('reports progress while it runs', async () => {
    const pipeline = pipelineFor();
    const { executionId } = await pipeline.start(request('v4', { championVersion: undefined }));
    const running = await pipeline.describe(executionId);
    // The job runs in the background: seen mid-way it is Executing, and a step always says where.
    assert.ok(['Executing', 'Succeeded'].includes(running.status), running.status);
    assert.ok(running.step !== undefined);
    const done = await finished(pipeline, executionId);
    assert.equal(done.status, 'Succeeded');
    assert.equal(done.result?.champion, undefined);
  });

  it('fails with the reason when the training window has no labels', async () => {
    const pipeline = pipelineFor();
    const { executionId } = await pipeline.start(request('v10', { asOf: '2024-04-01T12:00:00Z' }));
    const execution = await finished(pipeline, executionId);
    assert.equal(execution.status, 'Failed');
    assert.equal(
      execution.failureReason,
      'no labelled rows in the training window 2024-04-01T00:00:00.000Z .. 2024-04-06T00:00:00.000Z (labels as of 2024-04-01T12:00:00.000Z)',
    );
    await assert.rejects(stat(artifactPathFor(dataDir, 'demand', 'v10')), /ENOENT/);
  });

  it('succeeds with empty holdout metrics when the holdout window has no labels yet', async () => {
    const pipeline = pipelineFor();
    const holdoutWindow = { start: '2024-04-20T00:00:00Z', end: '2024-04-21T00:00:00Z' };
    const execution = await finished(pipeline, (await pipeline.start(request('v11', { holdoutWindow }))).executionId);
    assert.equal(execution.status, 'Succeeded', execution.failureReason);
    assert.deepEqual(execution.result?.candidate, { rows: 0, rmse: null, mae: null });
    assert.deepEqual(execution.result?.champion, { rows: 0, rmse: null, mae: null, basis: 'artifact' });
  });

  it('fails when the champion artifact is not a model', async () => {
    await mkdir(join(dataDir, 'models', 'demand'), { recursive: true });
    await writeFile(artifactPathFor(dataDir, 'demand', 'v9'), '{"not":"a model"}\n');
    const pipeline = pipelineFor();
    const execution = await finished(pipeline, (await pipeline.start(request('v12', { championVersion: 'v9' }))).executionId);
    assert.equal(execution.status, 'Failed');
    assert.match(execution.failureReason ?? '', /champion artifact .*v9\.json/);
  });

  it('judges a champion with no artifact here by the predictions it logged on the holdout rows it served', async () => {
    const pipeline = pipelineFor();
    const withArtifact = await finished(pipeline, (await pipeline.start(request('v14'))).executionId);
    assert.equal(withArtifact.status, 'Succeeded', withArtifact.failureReason);
    assert.equal(withArtifact.result?.champion?.basis, 'artifact');

    // As if v1 had been trained elsewhere: its artifact is not where Vigil keeps its own.
    const v1 = artifactPathFor(dataDir, 'demand', 'v1');
    await rename(v1, `${v1}.away`);
    try {
      const logged = await finished(pipeline, (await pipeline.start(request('v15'))).executionId);
      assert.equal(logged.status, 'Succeeded', logged.failureReason);
      const champion = logged.result?.champion;
      assert.equal(champion?.basis, 'logged-predictions');
      // The demo logged v1's own predictions for every valid row: the same rows, the same RMSE.
      assert.equal(champion.rows, withArtifact.result?.champion?.rows);
      assert.equal(logged.result?.candidate.rows, champion.rows);
      const expected = withArtifact.result?.champion?.rmse ?? Number.NaN;
      assert.ok(Math.abs((champion.rmse ?? Number.NaN) - expected) <= 1e-9 * Math.max(1, expected), `${champion.rmse} vs ${expected}`);
    } finally {
      await rename(`${v1}.away`, v1);
    }
  });

  it('never replaces a different artifact already under the candidate version, not even on a later run', async () => {
    const path = artifactPathFor(dataDir, 'demand', 'v13');
    await mkdir(join(dataDir, 'models', 'demand'), { recursive: true });
    await writeFile(path, '{"someone":"else"}\n');
    const pipeline = pipelineFor();
    const execution = await finished(pipeline, (await pipeline.start(request('v13'))).executionId);
    assert.equal(execution.status, 'Failed');
    assert.match(execution.failureReason ?? '', /an artifact for demand\/v13 already exists .* and differs/);
    assert.equal(await readFile(path, 'utf8'), '{"someone":"else"}\n');
    const again = await finished(pipeline, (await pipeline.start(request('v13'))).executionId);
    assert.equal(again.status, 'Failed');
    assert.equal(await readFile(path, 'utf8'), '{"someone":"else"}\n');
  });

  describe('a start after a failed or stopped run', () => {
    const stateOf = async (version: string): Promise<{ status: string; run?: number; attempts: number; request: TrainingRequest }> =>
      JSON.parse(await readFile(join(dataDir, 'pipelines', `local-demand-${version}.json`), 'utf8')) as { status: string; run?: number; attempts: number; request: TrainingRequest };

    it('trains again, for the request of the retry, counting the runs', async () => {
      const pipeline = pipelineFor();
      // Fails after writing the candidate's artifact: the champion's is not a model.
      const failed = await finished(pipeline, (await pipeline.start(request('v40', { championVersion: 'v9' }))).executionId);
      assert.equal(failed.status, 'Failed');
      assert.deepEqual([(await stateOf('v40')).run, (await stateOf('v40')).attempts], [1, 1]);

      // The next plan reuses the candidate version with a later as-of time: a different request.
      const retry = request('v40', { asOf: '2024-04-21T00:00:00Z' });
      const { executionId } = await pipeline.start(retry);
      assert.equal(executionId, 'local-demand-v40');
      const execution = await finished(pipeline, executionId);
      assert.equal(execution.status, 'Succeeded', execution.failureReason);
      assert.ok(execution.result?.champion !== undefined);
      const state = await stateOf('v40');
      assert.deepEqual([state.status, state.run, state.attempts, state.request.asOf], ['Succeeded', 2, 1, retry.asOf]);
      // The failed run's artifact was its own: this run's replaced it.
      const artifact = parseArtifact(JSON.parse(await readFile(artifactPathFor(dataDir, 'demand', 'v40'), 'utf8')));
      assert.equal(artifact.trainedAt, '2024-04-21T00:00:00.000Z');

      // Succeeded: joined by the same request, a conflict for another.
      assert.deepEqual(await pipeline.start(retry), { executionId });
      await assert.rejects(pipeline.start(request('v40')), (error: unknown) => error instanceof NonRetryableError && error.code === 'CONFLICT');
      assert.equal((await stateOf('v40')).run, 2);
    });

    it('runs again after each failure, and after a stop', async () => {
      const pipeline = pipelineFor();
      const noLabels = request('v41', { asOf: '2024-04-01T12:00:00Z' });
      assert.equal((await finished(pipeline, (await pipeline.start(noLabels)).executionId)).status, 'Failed');
      assert.equal((await finished(pipeline, (await pipeline.start(noLabels)).executionId)).status, 'Failed');
      assert.equal((await stateOf('v41')).run, 2);
      assert.equal((await finished(pipeline, (await pipeline.start(request('v41'))).executionId)).status, 'Succeeded');
      assert.equal((await stateOf('v41')).run, 3);

      const stopped = { executionId: 'local-demand-v42', request: request('v42'), status: 'Stopped', failureReason: 'stopped', attempts: 1 };
      await writeFile(join(dataDir, 'pipelines', 'local-demand-v42.json'), JSON.stringify(stopped));
      const execution = await finished(pipeline, (await pipeline.start(request('v42'))).executionId);
      assert.equal(execution.status, 'Succeeded', execution.failureReason);
      assert.equal((await stateOf('v42')).run, 2);
    });

    it('still refuses another request while a run is executing', async () => {
      const running = { executionId: 'local-demand-v43', request: request('v43'), status: 'Executing', step: 'training on 700 rows', attempts: 1 };
      await writeFile(join(dataDir, 'pipelines', 'local-demand-v43.json'), JSON.stringify(running));
      await assert.rejects(
        pipelineFor().start(request('v43', { asOf: '2024-04-21T00:00:00Z' })),
        (error: unknown) => error instanceof NonRetryableError && error.code === 'CONFLICT' && /\(Executing\) already exists for a different request/.test(error.message),
      );
      assert.deepEqual(JSON.parse(await readFile(join(dataDir, 'pipelines', 'local-demand-v43.json'), 'utf8')), running);
    });
  });

  it('refuses requests that cannot succeed before writing any state', async () => {
    const pipeline = pipelineFor();
    const refused = async (bad: TrainingRequest, pattern: RegExp): Promise<void> => {
      await assert.rejects(pipeline.start(bad), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError, String(error));
        assert.match(error.message, pattern);
        return true;
      });
      await assert.rejects(stat(join(dataDir, 'pipelines', `local-demand-${bad.candidateVersion}.json`)), /ENOENT/);
    };
    await refused(request('v20', { holdoutWindow: { start: '2024-04-05T00:00:00Z', end: '2024-04-08T00:00:00Z' } }), /must start at or after the training window's end/);
    await refused(request('v21', { championVersion: 'v21' }), /is the champion/);
    await refused(request('v22', { parameters: { alpha: 1, depth: 3 } }), /unknown training parameter\(s\) depth/);
    await refused(request('v23', { parameters: { alpha: -1 } }), /alpha must be a finite number >= 0/);
    await refused(request('v24', { asOf: '2024-04-20' + 'T00:00:00' }), /as-of time/);
    await refused(request('../v25'), /version "..\/v25" must be/);
    await refused({ ...request('v26'), model: 'prices' }, /unknown model prices/);
  });

  it('reports an unknown execution as not found', async () => {
    await assert.rejects(pipelineFor().describe('local-demand-v99'), (error: unknown) => error instanceof NonRetryableError && error.code === 'NOT_FOUND');
    await assert.rejects(pipelineFor().describe('../../etc/passwd'), /not a local pipeline execution id/);
  });

  describe('after a worker restart', () => {
    const interrupted = async (version: string, attempts: number): Promise<void> => {
      const state = { executionId: `local-demand-${version}`, request: request(version), status: 'Executing', step: 'training on 700 rows', attempts };
      await mkdir(join(dataDir, 'pipelines'), { recursive: true });
      await writeFile(join(dataDir, 'pipelines', `local-demand-${version}.json`), JSON.stringify(state));
    };

    it('resumes an execution left running by a stopped worker', async () => {
      await interrupted('v30', 1);
      const pipeline = pipelineFor();
      const resumed = await pipeline.describe('local-demand-v30');
      assert.equal(resumed.status, 'Executing');
      const execution = await finished(pipeline, 'local-demand-v30');
      assert.equal(execution.status, 'Succeeded', execution.failureReason);
      const state = JSON.parse(await readFile(join(dataDir, 'pipelines', 'local-demand-v30.json'), 'utf8')) as { attempts: number };
      assert.equal(state.attempts, 2);
    });

    it('resumes it on start as well', async () => {
      await interrupted('v31', 1);
      const pipeline = pipelineFor();
      await pipeline.start(request('v31'));
      assert.equal((await finished(pipeline, 'local-demand-v31')).status, 'Succeeded');
    });

    it('gives up after the last attempt, saying it was interrupted', async () => {
      await interrupted('v32', 3);
      const execution = await pipelineFor({ maxAttempts: 3 }).describe('local-demand-v32');
      assert.equal(execution.status, 'Failed');
      assert.match(execution.failureReason ?? '', /^interrupted 3 time\(s\) while training on 700 rows/);
    });

    it('by default resumes as often as a long step is attempted: a third interruption is resumed, a tenth is not', async () => {
      await interrupted('v33', 3);
      const pipeline = pipelineFor();
      assert.equal((await pipeline.describe('local-demand-v33')).status, 'Executing');
      assert.equal((await finished(pipeline, 'local-demand-v33')).status, 'Succeeded');
      await interrupted('v34', 10);
      const execution = await pipelineFor().describe('local-demand-v34');
      assert.equal(execution.status, 'Failed');
      assert.match(execution.failureReason ?? '', /^interrupted 10 time\(s\)/);
    });
  });
});
