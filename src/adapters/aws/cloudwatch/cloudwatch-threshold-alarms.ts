// Vigil's threshold alarms in CloudWatch: one metric alarm per threshold of the config, on the
// Model/Subject/Metric series the monitoring run publishes, with the SNS topic as its action.
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  paginateDescribeAlarms,
  PutMetricAlarmCommand,
  type ComparisonOperator,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type { ThresholdAlarmSpec } from '../../../domain/alarms/threshold-alarms.js';
import type { AlarmToStore, StoredAlarm, ThresholdAlarmStore } from '../../../ports/threshold-alarm-store.js';
import { classifyAwsError } from '../errors.js';
import { tagList } from '../sagemaker/hosting/model-host-names.js';
import { alarmName, metricDimensions } from './cloudwatch-metrics-sink.js';

/** DeleteAlarms takes at most 100 names per request. */
const MAX_DELETE = 100;

export interface CloudWatchThresholdAlarmsOptions {
  client: CloudWatchClient;
  namespace: string;
  /** Tags a new alarm carries (alarms are billed per alarm-month): vigil:model is added. */
  tags?: Record<string, string>;
}

/** `vigil-<model>-<group>:<subject>-<metric>[-min|-max]`. */
export function thresholdAlarmName(spec: Pick<ThresholdAlarmSpec, 'model' | 'subject' | 'metric' | 'bound'>): string {
  return alarmName(spec.model, spec.subject, spec.bound === undefined ? spec.metric : `${spec.metric}-${spec.bound}`);
}

export class CloudWatchThresholdAlarms implements ThresholdAlarmStore {
  constructor(private readonly options: CloudWatchThresholdAlarmsOptions) {}

  async list(model?: string): Promise<StoredAlarm[]> {
    const prefix = model === undefined ? 'vigil-' : `vigil-${model}-`;
    const alarms: StoredAlarm[] = [];
    try {
      for await (const page of paginateDescribeAlarms({ client: this.options.client }, { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'] })) {
        for (const alarm of page.MetricAlarms ?? []) {
          const stored = this.storedAlarm(alarm);
          // A prefix also finds a model whose id extends this one (vigil-a- for a-b); the dimension tells.
          if (stored !== undefined && (model === undefined || stored.model === model)) alarms.push(stored);
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `DescribeAlarms ${prefix}*`);
    }
    return alarms;
  }

  async put(alarm: AlarmToStore): Promise<void> {
    try {
      await this.options.client.send(
        new PutMetricAlarmCommand({
          AlarmName: alarm.name,
          AlarmDescription: alarm.description,
          Namespace: this.options.namespace,
          MetricName: alarm.metric,
          Dimensions: metricDimensions(alarm.model, alarm.subject, alarm.metric),
          Statistic: alarm.statistic === 'Minimum' ? 'Minimum' : 'Maximum',
          Period: alarm.periodSeconds,
          EvaluationPeriods: alarm.evaluationPeriods,
          DatapointsToAlarm: alarm.datapointsToAlarm,
          Threshold: alarm.threshold,
          ComparisonOperator: alarm.comparison as ComparisonOperator,
          // Monitoring publishes once a day: no data between runs is not a breach.
          TreatMissingData: 'notBreaching',
          ActionsEnabled: alarm.actions.length > 0,
          AlarmActions: alarm.actions,
          // Applies when the alarm is created; CloudWatch ignores tags on an update.
          Tags: tagList({ ...this.options.tags, 'vigil:model': alarm.model }),
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, `PutMetricAlarm ${alarm.name}`);
    }
  }

  async remove(names: readonly string[]): Promise<void> {
    for (let start = 0; start < names.length; start += MAX_DELETE) {
      const batch = names.slice(start, start + MAX_DELETE);
      try {
        // DeleteAlarms succeeds for names that do not exist.
        await this.options.client.send(new DeleteAlarmsCommand({ AlarmNames: batch }));
      } catch (error) {
        throw classifyAwsError(error, `DeleteAlarms ${batch.join(', ')}`);
      }
    }
  }

  private storedAlarm(alarm: MetricAlarm): StoredAlarm | undefined {
    const dimensions = new Map((alarm.Dimensions ?? []).map((dimension) => [dimension.Name ?? '', dimension.Value ?? '']));
    const model = dimensions.get('Model');
    const subject = dimensions.get('Subject');
    if (alarm.AlarmName === undefined || model === undefined || subject === undefined || alarm.Namespace !== this.options.namespace) return undefined;
    return {
      name: alarm.AlarmName,
      model,
      subject,
      metric: alarm.MetricName ?? '',
      comparison: alarm.ComparisonOperator ?? '',
      threshold: alarm.Threshold ?? Number.NaN,
      statistic: alarm.Statistic ?? alarm.ExtendedStatistic ?? '',
      periodSeconds: alarm.Period ?? 0,
      evaluationPeriods: alarm.EvaluationPeriods ?? 0,
      datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods ?? 0,
      actions: alarm.AlarmActions ?? [],
      description: alarm.AlarmDescription ?? '',
      ...(alarm.StateValue === undefined ? {} : { state: alarm.StateValue }),
      ...(alarm.AlarmArn === undefined ? {} : { arn: alarm.AlarmArn }),
    };
  }
}
