// Publishes monitoring values as CloudWatch custom metrics, one metric per monitored statistic with
// Model/Subject/Metric dimensions: the series the threshold alarms (cloudwatch-threshold-alarms.ts) watch.
import {
  CloudWatchClient,
  PutMetricDataCommand,
  type CloudWatchClientConfig,
  type Dimension,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { NonRetryableError } from '../../../domain/errors.js';
import { dayMs, hourMs } from '../../../domain/time.js';
import type { MetricPoint, MetricsSink, PublishSummary } from '../../../ports/metrics-sink.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../errors.js';
import { fittedName } from './fitted-name.js';

export const DEFAULT_NAMESPACE = 'Vigil';

/** PutMetricData accepts at most 1,000 MetricDatum items per request. */
export const MAX_DATA_PER_REQUEST = 1000;

/** CloudWatch alarm names are 1..255 characters. */
const MAX_ALARM_NAME = 255;

export interface CloudWatchMetricsSinkOptions {
  /** A ready client (its own retry settings apply); otherwise one is built from clientConfig. */
  client?: CloudWatchClient;
  clientConfig?: CloudWatchClientConfig;
  namespace?: string;
  /** The clock the two-week age limit is measured from. */
  now?: () => Date;
}

/** PutMetricData takes timestamps up to two weeks old; an hour of margin for clock skew and retries. */
export const MAX_METRIC_AGE_MS = 14 * dayMs - hourMs;

/** CloudWatch stores values whose magnitude is 0 or within 2^-360 .. 2^360. */
const MIN_MAGNITUDE = 2 ** -360;

export function metricDimensions(model: string, subject: string, metric: string): Dimension[] {
  return [
    { Name: 'Model', Value: model },
    { Name: 'Subject', Value: subject },
    { Name: 'Metric', Value: metric },
  ];
}

/**
 * `vigil-{model}-{subject}-{metric}`, deterministic so re-running a step updates the same alarm.
 * CloudWatch refuses control characters and names over 255 characters; when the raw name has to
 * be altered, a short hash of it keeps distinct inputs from colliding.
 */
export function alarmName(model: string, subject: string, metric: string): string {
  const raw = `vigil-${model}-${subject}-${metric}`;
  // Printable ASCII only: other characters are legal but awkward in consoles and CLIs.
  return fittedName(raw, raw.replace(/[^\x20-\x7e]/g, '_').trim(), MAX_ALARM_NAME);
}

export class CloudWatchMetricsSink implements MetricsSink {
  readonly namespace: string;
  private readonly client: CloudWatchClient;
  private readonly now: () => Date;

  constructor(options: CloudWatchMetricsSinkOptions = {}) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.now = options.now ?? (() => new Date());
    // The SDK's standard retry strategy retries throttling, 5xx and network errors with backoff.
    this.client = options.client ?? new CloudWatchClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...options.clientConfig });
  }

  /**
   * Publishes the points CloudWatch can take. It refuses NaN and ±Infinity (a statistic that could
   * not be computed is simply absent) and timestamps more than two weeks old: a backfill or a late
   * re-evaluation of an old window keeps its results in the warehouse, and only its recent points
   * become metrics. Magnitudes CloudWatch cannot store (below 2^-360, e.g. a p-value of 1e-200)
   * are sent as 0.
   */
  async publish(points: MetricPoint[]): Promise<PublishSummary> {
    const oldest = this.now().getTime() - MAX_METRIC_AGE_MS;
    let skippedTooOld = 0;
    const data: MetricDatum[] = [];
    for (const point of points) {
      if (!Number.isFinite(point.value)) continue;
      const timestamp = new Date(point.timestamp);
      if (!Number.isNaN(timestamp.getTime()) && timestamp.getTime() < oldest) {
        skippedTooOld += 1;
        continue;
      }
      data.push({
        MetricName: point.metric,
        Dimensions: metricDimensions(point.model, point.subject, point.metric),
        Value: Math.abs(point.value) < MIN_MAGNITUDE ? 0 : point.value,
        Timestamp: timestamp,
      });
    }
    for (const datum of data) {
      if (datum.Timestamp === undefined || Number.isNaN(datum.Timestamp.getTime())) {
        throw new NonRetryableError(`metric ${this.namespace}/${datum.MetricName ?? ''} has an invalid timestamp`, 'INVALID_INPUT');
      }
    }
    for (let start = 0; start < data.length; start += MAX_DATA_PER_REQUEST) {
      const batch = data.slice(start, start + MAX_DATA_PER_REQUEST);
      try {
        await this.client.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: batch }));
      } catch (error) {
        const names = [...new Set(batch.map((datum) => datum.MetricName))].slice(0, 5).join(', ');
        throw classifyAwsError(error, `PutMetricData to namespace ${JSON.stringify(this.namespace)} (metrics ${names})`);
      }
    }
    return { published: data.length, skippedTooOld };
  }
}
