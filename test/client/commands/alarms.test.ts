// `vigil alarms plan|apply` against moto's CloudWatch: the config's thresholds become alarms with
// the right direction, statistic and SNS action; a changed config updates and deletes them; the
// CLI runs as a user runs it (its own process, credentials from the environment).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CloudWatchDashboards } from '../../../src/adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import { CloudWatchThresholdAlarms } from '../../../src/adapters/aws/cloudwatch/cloudwatch-threshold-alarms.js';
import { syncAlarms } from '../../../src/client/alarms.js';
import { loadConfig } from '../../../src/config/load.js';
import { useMotoClient } from '../../support/moto.js';
import { alarmsTopicArn, vigilWithMoto, writeAlarmsConfig } from '../../support/alarms-cli.js';

describe('vigil alarms (moto)', function () {
  this.timeout(120_000);
  let client: CloudWatchClient;
  let dir: string;
  const model = `alarms${process.pid}`;
  const topicArn = alarmsTopicArn;
  useMotoClient(
    (config) => new CloudWatchClient({ ...config, maxAttempts: 1 }),
    (made) => {
      client = made;
    },
  );

  const writeConfig = (monitoring: Record<string, unknown>, mode: 'aws' | 'local' = 'aws'): Promise<string> =>
    writeAlarmsConfig({ dir, model, namespace: 'VigilAlarmsTest', monitoring: { relabelDays: 3, ...monitoring }, mode, tags: { team: 'forecasting' } });

  async function alarms(): Promise<Map<string, MetricAlarm>> {
    const described = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `vigil-${model}-` }));
    return new Map((described.MetricAlarms ?? []).map((alarm) => [alarm.AlarmName ?? '', alarm]));
  }

  const vigil = vigilWithMoto;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-alarms-'));
    await writeFile(
      join(dir, 'contract.json'),
      JSON.stringify({ model, feature_schema_version: 1, features: [{ name: 'price', type: 'float' }, { name: 'store', type: 'category' }] }),
    );
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('creates one alarm per threshold, in its direction, with the worst statistic of the day and the topic as action', async () => {
    const config = await writeConfig({ performance: { rmse: { max: 12 }, r2: { min: 0.5 } }, drift: { features: { price: { method: 'ks_p_value', threshold: 0.05 } } } });
    const run = vigil(['alarms', 'apply', '-c', config]);
    assert.equal(run.status, 0, run.stderr);
    // 3 drift (price, prediction, store) + 2 x 3 quality + 2 performance.
    assert.match(run.stdout, new RegExp(`${model}: 11 alarms from the config; applied: 11 create, 0 update, 0 keep, 0 delete`));

    const created = await alarms();
    assert.equal(created.size, 11);
    const rmse = created.get(`vigil-${model}-performance:window-rmse-max`);
    assert.ok(rmse !== undefined, [...created.keys()].join('\n'));
    assert.equal(rmse.Namespace, 'VigilAlarmsTest');
    assert.equal(rmse.MetricName, 'rmse');
    assert.deepEqual(
      Object.fromEntries((rmse.Dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value])),
      { Model: model, Subject: 'performance:window', Metric: 'rmse' },
    );
    assert.equal(rmse.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(rmse.Threshold, 12);
    assert.equal(rmse.Statistic, 'Maximum');
    assert.equal(rmse.Period, 86_400);
    assert.equal(rmse.EvaluationPeriods, 4, 'the window and the 3 days still re-evaluated');
    assert.deepEqual(rmse.AlarmActions, [topicArn]);
    assert.equal(rmse.TreatMissingData, 'notBreaching');
    const r2 = created.get(`vigil-${model}-performance:window-r2-min`);
    assert.equal(r2?.ComparisonOperator, 'LessThanThreshold');
    assert.equal(r2?.Statistic, 'Minimum', 'the worst value of the day for a minimum is its smallest');
    const price = created.get(`vigil-${model}-feature:price-ks_p_value_bh`);
    assert.equal(price?.ComparisonOperator, 'LessThanThreshold');
    assert.equal(price?.Threshold, 0.05, 'the FDR level, on the adjusted p-value');
    const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: rmse.AlarmArn }));
    assert.deepEqual(Object.fromEntries((tags.Tags ?? []).map((tag) => [tag.Key, tag.Value])), { team: 'forecasting', 'vigil:model': model });

    const again = vigil(['alarms', 'apply', '-c', config]);
    assert.match(again.stdout, /applied: 0 create, 0 update, 11 keep, 0 delete/, 'a second apply changes nothing');
  });

  it('follows a changed config: updates what moved, deletes what it no longer implies, and plans before it applies', async () => {
    const changed = await writeConfig({ performance: { rmse: { max: 10 } }, drift: { features: { price: { method: 'ks_p_value', threshold: 0.05 } } } });
    const plan = vigil(['alarms', 'plan', '-c', changed]);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /update +vigil-\S+-performance:window-rmse-max .*threshold: 12 -> 10/);
    assert.match(plan.stdout, /delete +vigil-\S+-performance:window-r2-min/);
    assert.match(plan.stdout, /planned: 0 create, 1 update, 9 keep, 1 delete/);
    assert.equal((await alarms()).get(`vigil-${model}-performance:window-rmse-max`)?.Threshold, 12, 'plan changes nothing');

    const loaded = await loadConfig(changed);
    const store = new CloudWatchThresholdAlarms({ client, namespace: 'VigilAlarmsTest' });
    const [applied] = await syncAlarms(loaded, { apply: true, store, dashboards: new CloudWatchDashboards({ client }) });
    assert.deepEqual(applied?.entries.filter((entry) => entry.action !== 'keep').map((entry) => [entry.action, entry.name.replace(model, 'M')]), [
      ['update', 'vigil-M-performance:window-rmse-max'],
      ['delete', 'vigil-M-performance:window-r2-min'],
    ]);
    const after = await alarms();
    assert.equal(after.size, 10);
    assert.equal(after.get(`vigil-${model}-performance:window-rmse-max`)?.Threshold, 10);
    assert.equal(after.has(`vigil-${model}-performance:window-r2-min`), false);
  });

  it('leaves alarms of a model whose id extends this one alone', async () => {
    const store = new CloudWatchThresholdAlarms({ client, namespace: 'VigilAlarmsTest' });
    await store.put({
      name: `vigil-${model}-x-feature:price-psi`,
      model: `${model}-x`,
      subject: 'feature:price',
      metric: 'psi',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 0.2,
      statistic: 'Maximum',
      description: 'another model',
      periodSeconds: 86_400,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      actions: [],
    });
    const listed = await store.list(model);
    assert.ok(listed.every((alarm) => alarm.model === model));
    assert.equal(listed.length, 10);
    await store.remove([`vigil-${model}-x-feature:price-psi`, 'vigil-no-such-alarm']);
  });

  it('in local mode, plan lists the alarms aws mode would keep, and apply says why it cannot', async () => {
    const local = await writeConfig({ performance: { rmse: { max: 12 } } }, 'local');
    const plan = vigil(['alarms', 'plan', '-c', local]);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /create +vigil-\S+-performance:window-rmse-max/);
    assert.match(plan.stdout, /local mode: no CloudWatch here/);
    const apply = vigil(['alarms', 'apply', '-c', local]);
    assert.equal(apply.status, 1);
    assert.match(apply.stderr, /alarms live in CloudWatch; the config is in mode "local"/);
    assert.doesNotMatch(apply.stderr, /\n\s+at /);
  });
});
