// deploy/sagemaker/training-pipeline.json against the image's `vigil train` and `vigil evaluate`:
// every hyperparameter, channel, LocalPath, environment variable, report path and argument the code
// reads is exactly one the definition provides, and the image runs the entries the steps name.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EVALUATION_REPORT_NAME } from '../../src/adapters/aws/sagemaker/pipeline/pipeline-parameters.js';
import { EVALUATE_ENVIRONMENT_NAMES } from '../../src/sagemaker-container/evaluate-settings.js';
import { HYPERPARAMETER_NAMES } from '../../src/sagemaker-container/hyperparameters.js';
import { CANDIDATE_INPUT, defaultMlRoot, EVALUATION_OUTPUT, LABELLED_CHANNEL, processingPaths, trainingPaths } from '../../src/sagemaker-container/job-paths.js';
import { metricLines } from '../../src/sagemaker-container/train-command.js';

type Json = Record<string, unknown>;

interface Step {
  Name: string;
  Type: string;
  Arguments: Json;
}

const sorted = (names: Iterable<string>): string[] => [...names].sort();

/** The JSON array of a Dockerfile exec-form instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD). */
function execForm(dockerfile: string, instruction: RegExp): string[] {
  const line = dockerfile.split('\n').find((text) => instruction.test(text));
  assert.ok(line !== undefined, `the Dockerfile has ${String(instruction)}`);
  return JSON.parse(line.slice(line.indexOf('['))) as string[];
}

describe('the pipeline definition and the image entries it runs', () => {
  let train: Json;
  let evaluate: Json;
  let dockerfile: string;

  before(async () => {
    const definition = JSON.parse(await readFile('deploy/sagemaker/training-pipeline.json', 'utf8')) as { Steps: Step[] };
    const step = (type: string): Json => {
      const found = definition.Steps.filter((candidate) => candidate.Type === type);
      assert.equal(found.length, 1, `one ${type} step`);
      return found[0]?.Arguments ?? {};
    };
    train = step('Training');
    evaluate = step('Processing');
    dockerfile = await readFile('Dockerfile', 'utf8');
  });

  describe('Train (`vigil train`)', () => {
    it('gives exactly the hyperparameters the trainer reads', () => {
      assert.deepEqual(sorted(Object.keys(train['HyperParameters'] as Json)), sorted(HYPERPARAMETER_NAMES));
    });

    it('has the one channel the trainer reads, in File mode, from LabelledRowsUri', () => {
      const channels = train['InputDataConfig'] as { ChannelName: string; InputMode: string; DataSource: { S3DataSource: { S3Uri: unknown; S3DataType: string } } }[];
      assert.deepEqual(
        channels.map((channel) => [channel.ChannelName, channel.InputMode, channel.DataSource.S3DataSource.S3DataType, channel.DataSource.S3DataSource.S3Uri]),
        [[LABELLED_CHANNEL, 'File', 'S3Prefix', { Get: 'Parameters.LabelledRowsUri' }]],
      );
      assert.equal(trainingPaths().labelled, `${defaultMlRoot}/input/data/${LABELLED_CHANNEL}`);
      assert.equal((train['AlgorithmSpecification'] as Json)['TrainingInputMode'], 'File');
    });

    it("scrapes the metric lines the trainer prints, whatever the numbers look like", () => {
      const definitions = (train['AlgorithmSpecification'] as { MetricDefinitions: { Name: string; Regex: string }[] }).MetricDefinitions;
      assert.deepEqual(definitions.map((metric) => metric.Name), ['training:rows', 'training:rmse']);
      for (const [rows, rmse] of [
        [816, 7.544831176101681],
        [3, 1.5e-12],
        [12, 2.5e21],
      ] as const) {
        const printed = metricLines({ artifact: { trainingRows: rows }, fit: { rows, rmse, mae: rmse } } as Parameters<typeof metricLines>[0]).join('\n');
        const scraped = definitions.map((metric) => Number(new RegExp(metric.Regex).exec(printed)?.[1]));
        assert.deepEqual(scraped, [rows, rmse], printed);
      }
    });

    it('runs the image as SageMaker runs a training image, `<image> train`: no entrypoint of its own', () => {
      const algorithm = train['AlgorithmSpecification'] as Json;
      assert.equal(algorithm['ContainerEntrypoint'], undefined);
      assert.equal(algorithm['ContainerArguments'], undefined);
      assert.deepEqual(algorithm['TrainingImage'], { Get: 'Parameters.TrainerImage' });
    });
  });

  describe('Evaluate (`vigil evaluate`)', () => {
    it('sets exactly the environment variables the evaluator reads', () => {
      assert.deepEqual(sorted(Object.keys(evaluate['Environment'] as Json)), sorted(EVALUATE_ENVIRONMENT_NAMES));
      const environment = evaluate['Environment'] as Json;
      assert.deepEqual(environment['VIGIL_CANDIDATE_ARTIFACT'], { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    });

    it('puts each input at the LocalPath the evaluator reads it from', () => {
      const inputs = evaluate['ProcessingInputs'] as { InputName: string; S3Input: { S3Uri: unknown; LocalPath: string; S3DataType: string; S3InputMode: string } }[];
      const paths = processingPaths();
      assert.deepEqual(
        inputs.map((input) => [input.InputName, input.S3Input.LocalPath, input.S3Input.S3Uri, input.S3Input.S3InputMode]),
        [
          [CANDIDATE_INPUT, paths.candidate, { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, 'File'],
          [LABELLED_CHANNEL, paths.labelled, { Get: 'Parameters.LabelledRowsUri' }, 'File'],
        ],
      );
    });

    it('uploads the report from where the evaluator writes it to OutputPrefix, where Vigil reads it', () => {
      const outputs = (evaluate['ProcessingOutputConfig'] as { Outputs: { OutputName: string; S3Output: { S3Uri: unknown; LocalPath: string } }[] }).Outputs;
      const paths = processingPaths();
      assert.deepEqual(
        outputs.map((output) => [output.OutputName, output.S3Output.LocalPath, output.S3Output.S3Uri]),
        [[EVALUATION_OUTPUT, paths.evaluation, { Get: 'Parameters.OutputPrefix' }]],
      );
      assert.equal((evaluate['Environment'] as Json)['VIGIL_REPORT_PATH'], join(paths.evaluation, EVALUATION_REPORT_NAME));
    });

    it("runs `vigil evaluate` through the image's entrypoint", () => {
      const app = evaluate['AppSpecification'] as Json;
      assert.deepEqual(app['ImageUri'], { Get: 'Parameters.TrainerImage' });
      assert.equal(app['ContainerEntrypoint'], undefined, "the image's own entrypoint");
      assert.deepEqual(app['ContainerArguments'], ['evaluate']);
    });
  });

  describe('the image', () => {
    it("has the CLI as its entrypoint, so `train` and `evaluate` reach the commands", async () => {
      const entrypoint = execForm(dockerfile, /^ENTRYPOINT /);
      assert.deepEqual(entrypoint, ['node', '/app/dist/cli.js']);
      const cli = await readFile('src/cli.ts', 'utf8');
      for (const command of ['train', 'evaluate', 'serve', 'worker']) assert.ok(cli.includes(`.command('${command}')`), `vigil ${command}`);
    });

    it('has a HEALTHCHECK that runs a script the build produces', async () => {
      const check = execForm(dockerfile, /^HEALTHCHECK /);
      assert.equal(check[0], 'node');
      const built = /^\/app\/dist\/(.+)\.js$/.exec(check[1] ?? '')?.[1];
      assert.ok(built !== undefined, check.join(' '));
      assert.ok((await stat(join('src', `${built}.ts`))).isFile(), `src/${built}.ts`);
    });

    it('prepares the folders SageMaker mounts for a non-root run and keeps SageMaker on its expected user', () => {
      assert.match(dockerfile, /mkdir -p [^\n]*\/opt\/ml\/model[^\n]*\/opt\/ml\/processing/);
      assert.match(dockerfile, /chown -R node:node [^\n]*\/opt\/ml/);
      assert.doesNotMatch(dockerfile, /^USER /m, 'SageMaker expects root (see the Dockerfile); the worker runs as node where it is started');
    });
  });
});
