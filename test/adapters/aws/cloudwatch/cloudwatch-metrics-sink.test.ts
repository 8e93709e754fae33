// CloudWatchMetricsSink against moto's CloudWatch over real HTTP.
import assert from 'node:assert/strict';
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  type Dimension,
} from '@aws-sdk/client-cloudwatch';
import { alarmName, CloudWatchMetricsSink } from '../../../../src/adapters/aws/cloudwatch/cloudwatch-metrics-sink.js';
import { RetryableError } from '../../../../src/domain/errors.js';
import type { MetricPoint } from '../../../../src/ports/metrics-sink.js';
import { freePort } from '../../../support/free-port.js';
import { awsClientConfig, useMotoClient } from '../../../support/moto.js';

let runCounter = 0;
function uniqueModel(prefix: string): string {
  runCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${runCounter}`;
}

function dimensionMap(dimensions: Dimension[] | undefined): Record<string, string | undefined> {
  return Object.fromEntries((dimensions ?? []).map((d) => [d.Name ?? '', d.Value]));
}

describe('CloudWatchMetricsSink (moto)', function () {
  let client: CloudWatchClient;
  useMotoClient(
    (config) => new CloudWatchClient({ ...config, maxAttempts: 1 }),
    (made) => {
      client = made;
    },
  );

  it('publishes points with Model/Subject/Metric dimensions and their values', async function () {
    const namespace = 'VigilTest';
    const sink = new CloudWatchMetricsSink({ client, namespace });
    const model = uniqueModel('churn');
    const now = Date.now();
    const at = (minutesAgo: number): string => new Date(now - minutesAgo * 60_000).toISOString();
    await sink.publish([
      { model, subject: 'age', metric: 'psi', value: 0.12, timestamp: at(10) },
      { model, subject: 'age', metric: 'psi', value: 0.3, timestamp: at(5) },
      { model, subject: 'income', metric: 'psi', value: 0.05, timestamp: at(5) },
      { model, subject: 'prediction', metric: 'auc', value: 0.91, timestamp: at(5) },
      // Not publishable: CloudWatch refuses non-finite values.
      { model, subject: 'age', metric: 'ks', value: Number.NaN, timestamp: at(5) },
      { model, subject: 'age', metric: 'ks', value: Number.POSITIVE_INFINITY, timestamp: at(5) },
    ]);

    const listed = await client.send(
      new ListMetricsCommand({ Namespace: namespace, Dimensions: [{ Name: 'Model', Value: model }] }),
    );
    // Deduplicated: moto lists a series once per stored datapoint, CloudWatch once.
    const series = [...new Set((listed.Metrics ?? [])
      .map((m) => {
        const dims = dimensionMap(m.Dimensions);
        return `${m.MetricName} ${dims.Model === model ? 'model' : String(dims.Model)} ${dims.Subject} ${dims.Metric}`;
      }))].sort();
    assert.deepEqual(series, ['auc model prediction auc', 'psi model age psi', 'psi model income psi']);

    const stats = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: 'psi',
        Dimensions: [
          { Name: 'Model', Value: model },
          { Name: 'Subject', Value: 'age' },
          { Name: 'Metric', Value: 'psi' },
        ],
        StartTime: new Date(now - 60 * 60_000),
        EndTime: new Date(now + 60_000),
        Period: 3600,
        Statistics: ['Maximum', 'SampleCount', 'Sum'],
      }),
    );
    const points = stats.Datapoints ?? [];
    assert.equal(points.reduce((n, p) => n + (p.SampleCount ?? 0), 0), 2);
    assert.equal(Math.max(...points.map((p) => p.Maximum ?? -1)), 0.3);
    assert.ok(Math.abs(points.reduce((n, p) => n + (p.Sum ?? 0), 0) - 0.42) < 1e-9);
  });

  it('leaves out points older than two weeks (CloudWatch refuses them) and sends magnitudes below 2^-360 as 0', async function () {
    const namespace = 'VigilTest';
    const now = new Date('2026-06-30T12:00:00Z');
    const sink = new CloudWatchMetricsSink({ client, namespace, now: () => now });
    const model = uniqueModel('backfill');
    const daysAgo = (days: number): string => new Date(now.getTime() - days * 86_400_000).toISOString();
    const summary = await sink.publish([
      { model, subject: 'age', metric: 'psi', value: 0.2, timestamp: daysAgo(20) },
      { model, subject: 'age', metric: 'psi', value: 0.3, timestamp: daysAgo(14) },
      { model, subject: 'age', metric: 'psi', value: 0.4, timestamp: daysAgo(13) },
      { model, subject: 'age', metric: 'ks_p_value', value: 1e-200, timestamp: daysAgo(1) },
    ]);
    assert.deepEqual(summary, { published: 2, skippedTooOld: 2 });
    const stats = async (metric: string) =>
      (
        await client.send(
          new GetMetricStatisticsCommand({
            Namespace: namespace,
            MetricName: metric,
            Dimensions: [
              { Name: 'Model', Value: model },
              { Name: 'Subject', Value: 'age' },
              { Name: 'Metric', Value: metric },
            ],
            StartTime: new Date(now.getTime() - 30 * 86_400_000),
            EndTime: now,
            Period: 86_400,
            Statistics: ['Maximum', 'SampleCount'],
          }),
        )
      ).Datapoints ?? [];
    const psi = await stats('psi');
    assert.deepEqual(psi.map((p) => p.Maximum), [0.4]);
    assert.deepEqual((await stats('ks_p_value')).map((p) => p.Maximum), [0]);
  });

  it('splits more than 1,000 points into several PutMetricData requests', async function () {
    const namespace = 'VigilBatch';
    const sink = new CloudWatchMetricsSink({ client, namespace });
    const model = uniqueModel('fraud');
    const now = Date.now();
    const points: MetricPoint[] = [];
    for (let i = 0; i < 1500; i += 1) {
      points.push({ model, subject: `feature_${i % 3}`, metric: 'psi', value: i, timestamp: new Date(now - (i % 50) * 1000).toISOString() });
    }
    let requests = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    try {
      await sink.publish(points);
    } finally {
      client.middlewareStack.remove('countRequests');
    }
    assert.equal(requests, 2);

    let total = 0;
    let maximum = -1;
    for (let f = 0; f < 3; f += 1) {
      const stats = await client.send(
        new GetMetricStatisticsCommand({
          Namespace: namespace,
          MetricName: 'psi',
          Dimensions: [
            { Name: 'Model', Value: model },
            { Name: 'Subject', Value: `feature_${f}` },
            { Name: 'Metric', Value: 'psi' },
          ],
          StartTime: new Date(now - 10 * 60_000),
          EndTime: new Date(now + 60_000),
          Period: 3600,
          Statistics: ['SampleCount', 'Maximum'],
        }),
      );
      for (const p of stats.Datapoints ?? []) {
        total += p.SampleCount ?? 0;
        maximum = Math.max(maximum, p.Maximum ?? -1);
      }
    }
    assert.equal(total, 1500);
    assert.equal(maximum, 1499);
  });

  it('maps an unreachable endpoint to RetryableError after the SDK retries', async function () {
    const closed = await freePort();
    const unreachable = new CloudWatchClient({ ...awsClientConfig(`http://127.0.0.1:${closed}`), maxAttempts: 2 });
    const sink = new CloudWatchMetricsSink({ client: unreachable });
    await assert.rejects(
      sink.publish([{ model: 'm', subject: 's', metric: 'psi', value: 1, timestamp: new Date().toISOString() }]),
      (error: unknown) => {
        assert.ok(error instanceof RetryableError, String(error));
        assert.equal(error.code, 'CONNECTION');
        assert.match(error.message, /Vigil/);
        return true;
      },
    );
  });

  it('sanitizes alarm names to CloudWatch rules without collisions', function () {
    assert.equal(alarmName('m', 's', 'psi'), 'vigil-m-s-psi');
    const odd = alarmName('modèle', 'line\nbreak', 'psi');
    assert.match(odd, /^[\x20-\x7e]+$/);
    assert.notEqual(odd, alarmName('mod_le', 'line_break', 'psi'));
    const long = alarmName('m'.repeat(300), 's', 'psi');
    assert.ok(long.length <= 255);
    assert.notEqual(long, alarmName('m'.repeat(301), 's', 'psi'));
  });
});
