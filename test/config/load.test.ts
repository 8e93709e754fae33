// Loading and validating a deployment config: defaults, contract paths, and a bad config refused
// once with every problem listed.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, readSecret, validateConfig } from '../../src/config/load.js';

const demandContract = {
  model: 'demand',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float', min: 0 },
    { name: 'store', type: 'category', categories: ['mall', 'street'] },
    { name: 'promo', type: 'bool' },
  ],
};

function modelEntry(id: string, contract: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    contract,
    endpoints: { production: `${id}-production`, staging: `${id}-staging` },
    sources: {
      productionLog: { path: 'log/*.parquet' },
      labels: { path: 'labels.parquet' },
      baseline: { table: 'baseline' },
    },
    ...extra,
  };
}

async function configError(work: Promise<unknown>): Promise<ConfigError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the config was accepted');
}

describe('config loading', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-config-'));
    await mkdir(join(dir, 'contracts'));
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'contracts', 'demand.json'), JSON.stringify(demandContract));
    await writeFile(join(dir, 'contracts', 'other.json'), JSON.stringify({ ...demandContract, model: 'other' }));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('a valid config', () => {
    it('loads a YAML file, resolves the contract against the config folder and fills the defaults', async () => {
      const path = join(dir, 'deploy', 'vigil.yaml');
      // The contract path climbs out of the config folder: it must not resolve against the cwd.
      await writeFile(path, stringify({ models: [modelEntry('demand', '../contracts/demand.json')] }));

      const loaded = await loadConfig(path, {});

      assert.equal(loaded.path, path);
      assert.deepEqual(
        loaded.contracts.demand?.features.map((feature) => feature.name),
        ['price', 'store', 'promo'],
      );
      const { config } = loaded;
      assert.equal(config.mode, 'local');
      assert.equal(config.temporal.taskQueue, 'vigil');
      assert.equal(config.temporal.uiUrl, 'http://localhost:8233');
      const monitoring = config.models[0]?.monitoring;
      assert.ok(monitoring !== undefined);
      assert.equal(monitoring.windowDays, 1);
      assert.equal(monitoring.relabelDays, 7);
      assert.equal(monitoring.facetWindowDays, 7);
      assert.deepEqual(monitoring.drift, {
        numeric: { method: 'wasserstein_normed', threshold: 0.1 },
        categorical: { method: 'js_distance', threshold: 0.1 },
        prediction: { method: 'wasserstein_normed', threshold: 0.1 },
        fdrAlpha: 0.05,
        features: {},
      });
      assert.deepEqual(monitoring.quality.typeErrorShare, { op: '>=', threshold: 0.01 });
      assert.deepEqual(monitoring.facets, [{ name: 'weekend', kind: 'weekend' }]);
      assert.deepEqual(monitoring.schedule, { cron: '0 6 * * *', timezone: 'UTC', jitter: '5m', catchupWindow: '1d', paused: false });
      assert.match(loaded.hash, /^[0-9a-f]{12}$/);
    });

    it('keeps what is given and fills only the rest of a partial drift rule and schedule', async () => {
      const path = join(dir, 'partial.json');
      await writeFile(
        path,
        JSON.stringify({
          models: [
            modelEntry('demand', join(dir, 'contracts', 'demand.json'), {
              monitoring: {
                windowDays: 7,
                drift: { numeric: { threshold: 0.3 }, categorical: { method: 'psi' } },
                schedule: { cron: '0 4 * * 1', timezone: 'Europe/Paris' },
              },
            }),
          ],
        }),
      );

      const monitoring = (await loadConfig(path, {})).config.models[0]?.monitoring;

      assert.equal(monitoring?.windowDays, 7);
      assert.deepEqual(monitoring?.drift.numeric, { method: 'wasserstein_normed', threshold: 0.3 });
      assert.deepEqual(monitoring?.drift.categorical, { method: 'psi', threshold: 0.1 });
      assert.deepEqual(monitoring?.schedule, { cron: '0 4 * * 1', timezone: 'Europe/Paris', jitter: '5m', catchupWindow: '1d', paused: false });
    });

    it('accepts a Slack token from a variable that is set, and the hash follows the config', async () => {
      const raw = {
        slack: { botToken: 'env:VIGIL_TEST_TOKEN', channel: '#alerts' },
        models: [modelEntry('demand', 'contracts/demand.json')],
      };
      const path = join(dir, 'vigil.yaml');
      const first = await validateConfig(raw, path, { VIGIL_TEST_TOKEN: 'xoxb-1' });
      const again = await validateConfig(raw, path, { VIGIL_TEST_TOKEN: 'xoxb-1' });
      const changed = await validateConfig({ ...raw, dataDir: 'elsewhere' }, path, { VIGIL_TEST_TOKEN: 'xoxb-1' });

      // The token itself stays a reference; it is read when the notifier is built.
      assert.equal(first.config.slack?.botToken, 'env:VIGIL_TEST_TOKEN');
      assert.equal(first.hash, again.hash);
      assert.notEqual(first.hash, changed.hash);
      assert.deepEqual(first.warnings, []);
    });

    it('accepts a literal Slack secret with a warning naming the field, never the secret', async () => {
      const raw = {
        slack: { botToken: 'xoxb-literal-token', signingSecret: 'literal-signing-secret', channel: '#alerts' },
        models: [modelEntry('demand', 'contracts/demand.json')],
      };
      const loaded = await validateConfig(raw, join(dir, 'vigil.yaml'), {});
      assert.deepEqual(loaded.warnings, [
        'slack.botToken: a literal secret in the config file; use env:NAME so it stays out of the file',
        'slack.signingSecret: a literal secret in the config file; use env:NAME so it stays out of the file',
      ]);
      assert.ok(!loaded.warnings.join('\n').includes('xoxb-literal-token'));
      const mixed = await validateConfig(
        { ...raw, slack: { ...raw.slack, botToken: 'env:VIGIL_TEST_TOKEN' } },
        join(dir, 'vigil.yaml'),
        { VIGIL_TEST_TOKEN: 'xoxb-1' },
      );
      assert.deepEqual(mixed.warnings, ['slack.signingSecret: a literal secret in the config file; use env:NAME so it stays out of the file']);
    });

    it('accepts a Slack API URL over https, or over http to a loopback host', async () => {
      for (const apiUrl of ['https://slack.example.com/api/', 'http://127.0.0.1:4000/api/', 'http://[::1]:4000/api/', 'http://localhost:4000/api/']) {
        const raw = { slack: { botToken: 'env:VIGIL_TEST_TOKEN', channel: '#alerts', apiUrl }, models: [modelEntry('demand', 'contracts/demand.json')] };
        const loaded = await validateConfig(raw, join(dir, 'vigil.yaml'), { VIGIL_TEST_TOKEN: 'xoxb-1' });
        assert.equal(loaded.config.slack?.apiUrl, apiUrl);
      }
    });
  });

  describe('a bad config', () => {
    it('is refused once, with every problem, its path and the offending value', async () => {
      const path = join(dir, 'bad.yaml');
      const raw = {
        mode: 'cloud',
        slack: { botToken: 'env:VIGIL_MISSING_TOKEN', channel: '#alerts' },
        models: [
          modelEntry('demand', 'contracts/demand.json', {
            endpoints: { production: 'demand_prod', staging: 'demand-staging' },
            monitoring: {
              drift: { features: { store: { method: 'ks_p_value', threshold: 0.05 } } },
              facets: [
                { name: 'weekend', kind: 'weekend' },
                { name: 'by_price', kind: 'feature', feature: 'price' },
              ],
            },
          }),
          modelEntry('returns', 'contracts/other.json'),
          modelEntry('demand', 'contracts/demand.json'),
        ],
      };

      const error = await configError(validateConfig(raw, path, {}));

      assert.equal(error.source, path);
      const expected: [string, RegExp][] = [
        ['mode', /"cloud"/],
        ['models.0.endpoints.production', /"demand_prod"/],
        ['models.0.monitoring.drift.features.store.method', /"ks_p_value" does not apply to a category feature/],
        ['models.0.monitoring.facets.1.feature', /"price" is float/],
        ['models.1.contract', /describes model "other", not "returns"/],
        ['models.2.id', /duplicate model id "demand"/],
        ['slack.botToken', /VIGIL_MISSING_TOKEN is not set/],
      ];
      for (const [at, detail] of expected) {
        const problem = error.problems.find((text) => text.startsWith(`${at}:`));
        assert.ok(problem !== undefined, `no problem reported at ${at}:\n${error.problems.join('\n')}`);
        assert.match(problem, detail);
      }
      assert.equal(error.problems.length, expected.length, error.problems.join('\n'));
      assert.match(error.message, /\(7 problems\)/);
    });

    it('in aws mode, lists every bad AWS setting and refuses file sources', async () => {
      const raw = {
        mode: 'aws',
        aws: {
          region: 'eu-west-1',
          athena: { database: 'Vigil-DB', outputLocation: 'https://example.invalid/results' },
          resultsLocation: 's3://vigil-results/tables/',
          artifactsLocation: 's3://vigil-artifacts/',
          sagemaker: {
            executionRoleArn: 'role/vigil',
            inferenceImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/vigil-serve:1',
            deployment: { trafficRouting: 'CANARY', canaryPercent: 80, maximumExecutionTimeoutSeconds: 60 },
          },
        },
        models: [modelEntry('demand', 'contracts/demand.json')],
      };
      const error = await configError(validateConfig(raw, join(dir, 'vigil.yaml'), {}));
      const expected: [string, RegExp][] = [
        ['aws.athena.database', /"Vigil-DB"/],
        ['aws.athena.outputLocation', /s3:\/\//],
        ['aws.sagemaker.executionRoleArn', /"role\/vigil"/],
        ['aws.sagemaker.deployment.canaryPercent', /80/],
        ['aws.sagemaker.deployment.maximumExecutionTimeoutSeconds', /60/],
        ['models.0.sources.productionLog', /file source "log\/\*\.parquet" cannot be read in mode "aws"/],
        ['models.0.sources.labels', /file source "labels\.parquet"/],
      ];
      for (const [at, detail] of expected) {
        const problem = error.problems.find((text) => text.startsWith(`${at}:`));
        assert.ok(problem !== undefined, `no problem reported at ${at}:\n${error.problems.join('\n')}`);
        assert.match(problem, detail);
      }
      assert.equal(error.problems.length, expected.length, error.problems.join('\n'));
    });

    it('in aws mode, fills the deploy defaults and refuses a wait shorter than the rollout', async () => {
      const raw = (sagemaker: Record<string, unknown> = {}) => ({
        mode: 'aws',
        aws: {
          region: 'eu-west-1',
          athena: { database: 'vigil', outputLocation: 's3://vigil-athena/results/' },
          resultsLocation: 's3://vigil-results/tables/',
          artifactsLocation: 's3://vigil-artifacts/',
          sagemaker: { executionRoleArn: 'arn:aws:iam::123456789012:role/vigil', inferenceImage: 'vigil-serve:1', ...sagemaker },
        },
        models: [
          modelEntry('demand', 'contracts/demand.json', {
            sources: { productionLog: { table: 'prod.log' }, labels: { table: 'labels' }, baseline: { table: 'baseline' } },
          }),
        ],
      });
      const aws = (await validateConfig(raw(), join(dir, 'vigil.yaml'), {})).config.aws;
      assert.equal(aws?.athena.workgroup, 'primary');
      assert.equal(aws?.athena.encryption, undefined, 'derived from kmsKeyId at start');
      assert.equal(aws?.sagemaker.deployment.trafficRouting, 'CANARY');
      assert.equal(aws?.sagemaker.deployment.canaryPercent, 10);
      assert.deepEqual(aws?.sagemaker.deployment.autoRollbackAlarms, []);
      assert.equal(aws?.sagemaker.pipeline.name, 'vigil-training');
      assert.equal(aws?.cloudwatch.namespace, 'Vigil');
      assert.equal(aws?.sagemaker.endpointWaitSeconds, 4200);

      const error = await configError(validateConfig(raw({ endpointWaitSeconds: 1800 }), join(dir, 'vigil.yaml'), {}));
      assert.deepEqual(error.problems, [
        'aws.sagemaker.endpointWaitSeconds: 1800 is shorter than a rollout may take (maximumExecutionTimeoutSeconds + terminationWaitSeconds = 3900) (got 1800)',
      ]);
    });

    it('refuses a Slack API URL over plain http to another host: the bot token would travel in clear', async () => {
      for (const apiUrl of ['http://slack.example.com/api/', 'http://127.0.0.2/api/', 'ftp://slack.example.com/api/']) {
        const raw = { slack: { botToken: 'env:VIGIL_TEST_TOKEN', channel: '#alerts', apiUrl }, models: [modelEntry('demand', 'contracts/demand.json')] };
        const error = await configError(validateConfig(raw, join(dir, 'vigil.yaml'), { VIGIL_TEST_TOKEN: 'xoxb-1' }));
        assert.deepEqual(error.problems, [
          `slack.apiUrl: must be https:// unless its host is loopback (127.0.0.1, ::1, localhost): the bot token is sent with every call and would travel in clear (got "${apiUrl}")`,
        ]);
      }
    });

    it('reports a contract that cannot be read or is itself invalid', async () => {
      await writeFile(join(dir, 'contracts', 'broken.json'), JSON.stringify({ model: 'broken', feature_schema_version: 0, features: [] }));
      const error = await configError(
        validateConfig(
          { models: [modelEntry('missing', 'contracts/nowhere.json'), modelEntry('broken', 'contracts/broken.json')] },
          join(dir, 'vigil.yaml'),
          {},
        ),
      );
      const text = error.problems.join('\n');
      assert.match(text, /^models\.0\.contract: cannot read .*nowhere\.json/m);
      assert.match(text, /^models\.1\.contract \(.*broken\.json\): feature_schema_version:/m);
      assert.match(text, /^models\.1\.contract \(.*broken\.json\): features:/m);
    });
  });

  describe('a file that is not a config', () => {
    it('refuses malformed JSON and YAML with the parser message', async () => {
      const json = join(dir, 'broken.json');
      const yaml = join(dir, 'broken.yaml');
      await writeFile(json, '{ "models": [');
      await writeFile(yaml, 'models: [unclosed\n  - {');
      for (const path of [json, yaml]) {
        const error = await configError(loadConfig(path, {}));
        assert.equal(error.problems.length, 1);
        assert.match(error.problems[0] ?? '', /^cannot parse the file: /);
      }
    });

    it('refuses YAML that parses to something other than a mapping', async () => {
      const path = join(dir, 'prose.yaml');
      await writeFile(path, 'just a sentence, not a config\n');
      const error = await configError(loadConfig(path, {}));
      assert.match(error.problems.join('\n'), /^\(root\): .*\(got "just a sentence, not a config"\)/m);
    });

    it('refuses a missing file', async () => {
      const error = await configError(loadConfig(join(dir, 'absent.yaml'), {}));
      assert.match(error.problems[0] ?? '', /^cannot read the file: .*ENOENT/);
    });
  });

  describe('readSecret', () => {
    it('returns a literal as it is and reads env:NAME from the environment', () => {
      assert.equal(readSecret('xoxb-literal', {}), 'xoxb-literal');
      assert.equal(readSecret('env:SLACK_TOKEN', { SLACK_TOKEN: 'xoxb-from-env' }), 'xoxb-from-env');
    });

    it('fails naming the variable when it is unset or empty', () => {
      assert.throws(() => readSecret('env:SLACK_TOKEN', {}), /environment variable SLACK_TOKEN is not set/);
      assert.throws(() => readSecret('env:SLACK_TOKEN', { SLACK_TOKEN: '' }), /SLACK_TOKEN is not set/);
    });
  });
});
