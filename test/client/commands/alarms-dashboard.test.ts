// `vigil alarms plan|apply` and the model's dashboard, against moto's CloudWatch: apply puts it
// after the alarms, naming every alarm by the ARN CloudWatch gave it and drawing the series the
// metrics sink publishes for an evaluated window; a changed config updates it, an unchanged one
// keeps it; local mode plans it and refuses to apply. The CLI runs in its own process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetDashboardCommand, paginateDescribeAlarms, paginateListMetrics, type Dimension, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { metricPoints } from '../../../src/activities/monitoring/record-run.js';
import { CloudWatchDashboards } from '../../../src/adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import { CloudWatchMetricsSink } from '../../../src/adapters/aws/cloudwatch/cloudwatch-metrics-sink.js';
import { CloudWatchThresholdAlarms } from '../../../src/adapters/aws/cloudwatch/cloudwatch-threshold-alarms.js';
import { syncAlarms } from '../../../src/client/alarms.js';
import { loadConfig } from '../../../src/config/load.js';
import type { DashboardBody, MetricWidget } from '../../../src/domain/alarms/dashboard-widgets.js';
import { useMotoClient } from '../../support/moto.js';
import { completeAnalysis } from '../../support/evaluated-window.js';
import { vigilWithMoto, writeAlarmsConfig } from '../../support/alarms-cli.js';

describe('vigil alarms: the model dashboard (moto)', function () {
  this.timeout(120_000);
  let client: CloudWatchClient;
  let dir: string;
  const model = `dash${process.pid}`;
  const namespace = 'VigilDashboardTest';
  const monitoring = {
    relabelDays: 3,
    drift: { features: { price: { method: 'ks_p_value', threshold: 0.05 } } },
    performance: { rmse: { max: 12 }, r2: { min: 0.5 }, mae: { min: 1, max: 9 } },
    bias: { mean_prediction_gap_change: { min: -5, max: 5 }, rmse_gap_change: { max: 3 } },
    facets: [
      { name: 'weekend', kind: 'weekend' },
      { name: 'by_store', kind: 'feature', feature: 'store' },
    ],
  };
  useMotoClient(
    (config) => new CloudWatchClient({ ...config, maxAttempts: 1 }),
    (made) => {
      client = made;
    },
  );

  const writeConfig = (settings: Record<string, unknown>, mode: 'aws' | 'local' = 'aws'): Promise<string> => writeAlarmsConfig({ dir, model, namespace, monitoring: settings, mode });

  const vigil = vigilWithMoto;

  async function dashboard(): Promise<DashboardBody> {
    const answer = await client.send(new GetDashboardCommand({ DashboardName: `vigil-${model}` }));
    return JSON.parse(answer.DashboardBody ?? '') as DashboardBody;
  }

  async function alarms(): Promise<MetricAlarm[]> {
    const found: MetricAlarm[] = [];
    for await (const page of paginateDescribeAlarms({ client }, { AlarmNamePrefix: `vigil-${model}-` })) found.push(...(page.MetricAlarms ?? []));
    return found;
  }

  /** `<metric name> <Model> <Subject> <Metric>`: a series as CloudWatch names it. */
  const seriesKey = (metricName: string | undefined, dimensions: readonly Dimension[] | undefined): string => {
    const byName = new Map((dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value]));
    return `${metricName} ${byName.get('Model')} ${byName.get('Subject')} ${byName.get('Metric')}`;
  };

  function drawnSeries(body: DashboardBody): Set<string> {
    const graphs = body.widgets.filter((widget): widget is MetricWidget => widget.type === 'metric');
    for (const graph of graphs) {
      assert.equal(graph.properties.region, 'us-east-1');
      for (const line of graph.properties.metrics) assert.equal(line[0], namespace);
    }
    return new Set(graphs.flatMap((graph) => graph.properties.metrics.map((line) => seriesKey(line[1], [
      { Name: line[2], Value: line[3] },
      { Name: line[4], Value: line[5] },
      { Name: line[6], Value: line[7] },
    ]))));
  }

  const titled = (body: DashboardBody, title: string): MetricWidget | undefined => body.widgets.find((widget): widget is MetricWidget => widget.type === 'metric' && widget.properties.title === title);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-alarms-dashboard-'));
    await writeFile(
      join(dir, 'contract.json'),
      JSON.stringify({
        model,
        feature_schema_version: 1,
        features: [
          { name: 'price', type: 'float' },
          { name: 'items', type: 'int' },
          { name: 'store', type: 'category' },
          { name: 'promo', type: 'bool' },
        ],
      }),
    );
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('apply puts the dashboard after the alarms: every alarm by its ARN, and the series a window publishes', async () => {
    const config = await writeConfig(monitoring);
    const run = vigil(['alarms', 'apply', '-c', config]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${model}: dashboard vigil-${model} applied: create \\(new, \\d+ widgets\\)`));

    const body = await dashboard();
    const described = await alarms();
    assert.ok(described.length >= 20, `${described.length} alarms`);
    const shown = body.widgets.flatMap((widget) => (widget.type === 'alarm' ? widget.properties.alarms : []));
    assert.deepEqual([...shown].sort(), described.map((alarm) => alarm.AlarmArn ?? '').sort());

    // One evaluated window, published as the monitoring run publishes it, then listed back.
    const loaded = await loadConfig(config);
    const contract = loaded.contracts[model];
    const settings = loaded.config.models[0]?.monitoring;
    assert.ok(contract !== undefined && settings !== undefined);
    const windowEnd = new Date(Date.now() - 86_400_000).toISOString();
    await new CloudWatchMetricsSink({ client, namespace }).publish(metricPoints(model, windowEnd, completeAnalysis(contract, settings).metrics));
    const listed = new Set<string>();
    for await (const page of paginateListMetrics({ client }, { Namespace: namespace, Dimensions: [{ Name: 'Model', Value: model }] })) {
      for (const metric of page.Metrics ?? []) listed.add(seriesKey(metric.MetricName, metric.Dimensions));
    }

    const drawn = drawnSeries(body);
    assert.deepEqual([...drawn].filter((series) => !listed.has(series)), [], 'every graphed series is one the sink published');
    const watched = new Set(described.map((alarm) => seriesKey(alarm.MetricName, alarm.Dimensions)));
    assert.deepEqual([...watched].filter((series) => !drawn.has(series)), [], 'every alarm’s series is graphed');
    assert.deepEqual([...drawn].filter((series) => !watched.has(series)), [`label_coverage ${model} performance:window label_coverage`]);
  });

  it('follows a changed config (update, planned first), and keeps an unchanged one', async () => {
    const changed = await writeConfig({ ...monitoring, performance: { ...monitoring.performance, rmse: { max: 10 } } });
    const plan = vigil(['alarms', 'plan', '-c', changed]);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`dashboard vigil-${model} planned: update \\(changed: Performance: rmse\\)`));
    const before = await dashboard();
    assert.equal(titled(before, 'Performance: rmse')?.properties.annotations?.horizontal.map((line) => (Array.isArray(line) ? line[0].value : line.value))[0], 12, 'plan changes nothing');

    const apply = vigil(['alarms', 'apply', '-c', changed, '--json']);
    assert.equal(apply.status, 0, apply.stderr);
    const [applied] = JSON.parse(apply.stdout) as { dashboard: { action: string; name: string; reason: string; widgets: number; body?: string } }[];
    assert.deepEqual(applied?.dashboard, { action: 'update', name: `vigil-${model}`, reason: 'changed: Performance: rmse', widgets: before.widgets.length });
    const after = await dashboard();
    assert.deepEqual(titled(after, 'Performance: rmse')?.properties.annotations?.horizontal, [{ label: 'alarm > 10', value: 10, color: '#d62728', fill: 'above' }]);

    const again = vigil(['alarms', 'apply', '-c', changed]);
    assert.match(again.stdout, new RegExp(`dashboard vigil-${model} applied: keep \\(unchanged, ${after.widgets.length} widgets\\)`));
    const [kept] = await syncAlarms(await loadConfig(changed), {
      apply: true,
      store: new CloudWatchThresholdAlarms({ client, namespace }),
      dashboards: new CloudWatchDashboards({ client }),
    });
    assert.equal(kept?.dashboard?.action, 'keep');
    assert.deepEqual(await dashboard(), after);
  });

  it('a model taken out of the config: apply over the whole config deletes its alarms and dashboard, and leaves a copy, another namespace and -m alone', async () => {
    // The suite's model has its alarms and dashboard from the tests above; a config of another model replaces it.
    const other = `kept${process.pid}`;
    const otherDir = await mkdtemp(join(tmpdir(), 'vigil-alarms-removed-'));
    const copyName = `vigil-${model}-copy`;
    const foreign = new CloudWatchThresholdAlarms({ client, namespace: 'VigilOtherNamespace' });
    const foreignAlarm = `vigil-${model}-feature:price-psi`;
    try {
      await writeFile(join(otherDir, 'contract.json'), JSON.stringify({ model: other, feature_schema_version: 1, features: [{ name: 'price', type: 'float' }] }));
      const config = await writeAlarmsConfig({ dir: otherDir, model: other, namespace, monitoring: { performance: { rmse: { max: 9 } } } });
      const body = JSON.stringify(await dashboard());
      await new CloudWatchDashboards({ client }).put(copyName, body);
      await foreign.put({ name: foreignAlarm, model, subject: 'feature:price', metric: 'psi', comparison: 'GreaterThanOrEqualToThreshold', threshold: 0.2, statistic: 'Maximum', description: 'another namespace', periodSeconds: 86_400, evaluationPeriods: 1, datapointsToAlarm: 1, actions: [] });
      const before = (await alarms()).filter((alarm) => alarm.Namespace === namespace).length;
      assert.ok(before >= 20, `${before} alarms`);

      const plan = vigil(['alarms', 'plan', '-c', config]);
      assert.equal(plan.status, 0, plan.stderr);
      assert.match(plan.stdout, new RegExp(`${model}: no longer in the config; planned: 0 create, 0 update, 0 keep, ${before} delete`));
      assert.match(plan.stdout, new RegExp(`${model}: dashboard vigil-${model} planned: delete \\(its model is no longer in the config\\)`));
      assert.doesNotMatch(plan.stdout, /-copy/);
      assert.equal((await alarms()).length, before + 1, 'plan deletes nothing');

      const one = vigil(['alarms', 'apply', '-c', config, '-m', other]);
      assert.equal(one.status, 0, one.stderr);
      assert.doesNotMatch(one.stdout, new RegExp(`${model}:`), '-m applies to that model alone');

      const apply = vigil(['alarms', 'apply', '-c', config, '--json']);
      assert.equal(apply.status, 0, apply.stderr);
      const applied = (JSON.parse(apply.stdout) as { model: string; removed?: boolean; alarms: { action: string }[]; dashboard?: { action: string } }[]).find((entry) => entry.model === model);
      assert.equal(applied?.removed, true);
      assert.equal(applied?.alarms.filter((alarm) => alarm.action === 'delete').length, before);
      assert.equal(applied?.dashboard?.action, 'delete');
      assert.deepEqual((await alarms()).map((alarm) => [alarm.AlarmName, alarm.Namespace]), [[foreignAlarm, 'VigilOtherNamespace']]);
      const dashboards = new CloudWatchDashboards({ client });
      assert.equal(await dashboards.get(`vigil-${model}`), undefined);
      assert.equal(await dashboards.get(copyName), body, 'a copy under another name is the user’s');

      const again = vigil(['alarms', 'apply', '-c', config]);
      assert.doesNotMatch(again.stdout, new RegExp(`${model}:`), 'nothing is left to delete');
    } finally {
      await new CloudWatchDashboards({ client }).remove([copyName, `vigil-${other}`]);
      await foreign.remove([foreignAlarm]);
      await new CloudWatchThresholdAlarms({ client, namespace }).remove((await new CloudWatchThresholdAlarms({ client, namespace }).list(other)).map((alarm) => alarm.name));
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('in local mode, plan names the dashboard aws mode would create, and apply says why it cannot', async () => {
    const local = await writeConfig(monitoring, 'local');
    const plan = vigil(['alarms', 'plan', '-c', local]);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`dashboard vigil-${model} planned: create \\(aws mode keeps it in CloudWatch\\)`));
    const apply = vigil(['alarms', 'apply', '-c', local]);
    assert.equal(apply.status, 1);
    assert.match(apply.stderr, /alarms live in CloudWatch; the config is in mode "local"/);
  });
});
