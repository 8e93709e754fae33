// The repository's pipeline definition against what the adapter sends, and deployPipeline's checks
// of a definition before it calls SageMaker (no server here: a refused definition makes no call).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { deployPipeline, validatePipelineDefinition } from '../../../../../src/adapters/aws/sagemaker/pipeline/pipeline-definition.js';
import { PIPELINE_PARAMETER_NAMES, TUNABLE_PARAMETER_NAMES } from '../../../../../src/adapters/aws/sagemaker/pipeline/sagemaker-training-pipeline.js';
import { NonRetryableError } from '../../../../../src/domain/errors.js';

const definitionPath = 'deploy/sagemaker/training-pipeline.json';

interface Declared {
  Name: string;
  Type: string;
  DefaultValue?: unknown;
}
interface Step {
  Name: string;
  Type: string;
  Arguments: Record<string, unknown>;
}

/** Every {"Get": "..."} in a JSON value, found independently of the module under test. */
function gets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(gets);
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  const own = entries.length === 1 && entries[0]?.[0] === 'Get' && typeof entries[0][1] === 'string' ? [entries[0][1]] : [];
  return [...own, ...entries.flatMap(([, inner]) => gets(inner))];
}

describe('SageMaker pipeline definition (deploy/sagemaker/training-pipeline.json)', () => {
  let definition: { Version: string; Parameters: Declared[]; Steps: Step[] };

  before(async () => {
    definition = JSON.parse(await readFile(definitionPath, 'utf8')) as typeof definition;
  });

  it('declares every parameter the adapter sends as a String (the adapter sends text)', () => {
    const declared = new Map(definition.Parameters.map((parameter) => [parameter.Name, parameter.Type]));
    for (const name of [...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES]) assert.equal(declared.get(name), 'String', name);
    // Each start sends it: no deploy-time value to set or forget.
    assert.deepEqual(definition.Parameters.find((parameter) => parameter.Name === 'LabelledRowsUri'), { Name: 'LabelledRowsUri', Type: 'String' });
    assert.equal(definition.Version, '2020-12-01');
  });

  it('puts only text in HyperParameters and Environment: literal strings or String parameters', () => {
    // SageMaker takes these as string-to-string maps and refuses a Float or Integer parameter there.
    const types = new Map(definition.Parameters.map((parameter) => [parameter.Name, parameter.Type]));
    const stringStepProperties = new Set(['ModelArtifacts.S3ModelArtifacts']);
    const maps = definition.Steps.flatMap((step) =>
      (['HyperParameters', 'Environment'] as const).flatMap((field) => {
        const map = step.Arguments[field];
        return map === undefined ? [] : [{ where: `${step.Name}.${field}`, map: map as Record<string, unknown> }];
      }),
    );
    assert.deepEqual(maps.map((entry) => entry.where), ['Train.HyperParameters', 'Evaluate.Environment']);
    for (const { where, map } of maps) {
      for (const [key, value] of Object.entries(map)) {
        if (typeof value === 'string') continue;
        const reference = gets(value);
        assert.equal(reference.length, 1, `${where}.${key} is a literal string or one Get`);
        assert.deepEqual(value, { Get: reference[0] }, `${where}.${key} is a plain Get`);
        const [kind, name, ...property] = (reference[0] ?? '').split('.');
        if (kind === 'Parameters') assert.equal(types.get(name ?? ''), 'String', `${where}.${key} gets parameter ${name}`);
        else assert.ok(kind === 'Steps' && stringStepProperties.has(property.join('.')), `${where}.${key} gets ${reference[0]}, a text step property`);
      }
    }
  });

  it('references only declared parameters and steps, and uses every parameter the adapter sends', () => {
    const parameterNames = new Set(definition.Parameters.map((parameter) => parameter.Name));
    const stepNames = new Set(definition.Steps.map((step) => step.Name));
    const references = gets(definition.Steps);
    assert.ok(references.length > 0);
    for (const reference of references) {
      const [kind, name] = reference.split('.');
      if (kind === 'Parameters') assert.ok(parameterNames.has(name ?? ''), `${reference} names a declared parameter`);
      else assert.ok(kind === 'Steps' && stepNames.has(name ?? ''), `${reference} names a step`);
    }
    const used = new Set(references.filter((reference) => reference.startsWith('Parameters.')).map((reference) => reference.slice('Parameters.'.length)));
    for (const name of [...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES]) assert.ok(used.has(name), `${name} is used by a step`);
  });

  it('trains, then evaluates into OutputPrefix, where the adapter reads evaluation.json', () => {
    assert.deepEqual(definition.Steps.map((step) => [step.Name, step.Type]), [['Train', 'Training'], ['Evaluate', 'Processing']]);
    const [train, evaluate] = definition.Steps;
    assert.deepEqual((train?.Arguments['OutputDataConfig'] as Record<string, unknown>)['S3OutputPath'], { Get: 'Parameters.OutputPrefix' });
    const outputs = (evaluate?.Arguments['ProcessingOutputConfig'] as { Outputs: { S3Output: { S3Uri: unknown; LocalPath: string } }[] }).Outputs;
    assert.deepEqual(outputs.map((output) => output.S3Output.S3Uri), [{ Get: 'Parameters.OutputPrefix' }]);
    const environment = evaluate?.Arguments['Environment'] as Record<string, unknown>;
    assert.equal(environment['VIGIL_REPORT_PATH'], `${outputs[0]?.S3Output.LocalPath}/evaluation.json`);
    assert.ok(gets(evaluate).includes('Steps.Train.ModelArtifacts.S3ModelArtifacts'), 'evaluates the artifact Train made');
    assert.doesNotThrow(() => validatePipelineDefinition(definition, definitionPath));
  });

  describe('deployPipeline refuses a bad definition before calling SageMaker', () => {
    // Nothing listens here: a call would fail with a connection error, not the messages below.
    const client = new SageMakerClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    let folder: string;
    const deploy = (definition: unknown) => deployPipeline({ client, name: 'vigil-training', roleArn: 'arn:aws:iam::123456789012:role/r', definition });
    const refused = (pattern: RegExp) => (error: unknown) => error instanceof NonRetryableError && error.code === 'INVALID_DEFINITION' && pattern.test(error.message);

    before(async () => {
      folder = await mkdtemp(join(tmpdir(), 'vigil-pipeline-'));
    });

    after(async () => {
      client.destroy();
      await rm(folder, { recursive: true, force: true });
    });

    it('names the file that is not JSON, or cannot be read', async () => {
      const path = join(folder, 'broken.json');
      await writeFile(path, '{"Version": "2020-12-01", "Steps": [');
      await assert.rejects(deployPipeline({ client, name: 'p', roleArn: 'r', definitionPath: path }), refused(new RegExp(`${path}: not valid JSON`)));
      await assert.rejects(deployPipeline({ client, name: 'p', roleArn: 'r', definitionPath: join(folder, 'none.json') }), refused(/none\.json: cannot be read/));
    });

    it('says what is missing or wrong', async () => {
      const parameters = [...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES].map((Name) => ({ Name, Type: 'String' }));
      const step = { Name: 'Train', Type: 'Training', Arguments: { RoleArn: { Get: 'Parameters.Role' }, Image: { Get: 'Steps.Prepare.Uri' } } };
      await assert.rejects(deploy({ Version: '2020-12-01', Parameters: parameters }), refused(/Steps is missing/));
      await assert.rejects(deploy({ Version: '2020-12-01', Steps: [step] }), refused(/Parameters is missing/));
      await assert.rejects(deploy('[1, 2]'), refused(/must be a JSON object/));
      await assert.rejects(deploy({ Version: '2020-12-01', Parameters: parameters, Steps: [step] }), refused(/"Parameters\.Role"\} names no declared parameter; \{"Get": "Steps\.Prepare\.Uri"\} names no step/));
      await assert.rejects(
        deploy({ Version: '2020-12-01', Parameters: parameters.filter((p) => p.Name !== 'OutputPrefix'), Steps: [{ Name: 'Train', Type: 'Training' }] }),
        refused(/Vigil sends on every start are not declared: OutputPrefix/),
      );
      await assert.rejects(
        deploy({ Version: '2019-01-01', Parameters: [...parameters, { Name: 'Share', Type: 'Float', DefaultValue: 'half' }], Steps: [{ Name: 'Train', Type: 'Training' }] }),
        refused(/Version must be "2020-12-01".*Share: DefaultValue "half" is not a Float/),
      );
    });

    it('refuses a number where SageMaker takes text only', async () => {
      const parameters = [
        ...[...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES].map((Name) => ({ Name, Type: Name === 'alpha' ? 'Float' : 'String' })),
        { Name: 'Depth', Type: 'Integer', DefaultValue: 3 },
      ];
      const train = { Name: 'Train', Type: 'Training', Arguments: { HyperParameters: { alpha: { Get: 'Parameters.alpha' }, model: { Get: 'Parameters.Model' }, epochs: 5 } } };
      const check = {
        Name: 'Check',
        Type: 'Condition',
        Arguments: { IfSteps: [{ Name: 'Evaluate', Type: 'Processing', Arguments: { Environment: { DEPTH: { Get: 'Parameters.Depth' }, ARTIFACT: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } } } }] },
      };
      await assert.rejects(
        deploy({ Version: '2020-12-01', Parameters: parameters, Steps: [train, check] }),
        refused(
          /step Train HyperParameters\.alpha gets the Float parameter alpha: SageMaker takes only text there \(declare it String\); step Train HyperParameters\.epochs is 5: .*; step Evaluate Environment\.DEPTH gets the Integer parameter Depth/,
        ),
      );
    });
  });
});
