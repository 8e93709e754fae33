// Where threshold alarms live: CloudWatch on AWS. `vigil alarms apply` makes them follow the config.
import type { ExistingAlarm } from '../domain/alarms/alarm-plan.js';

export interface StoredAlarm extends ExistingAlarm {
  model: string;
  subject: string;
  metric: string;
  /** OK, ALARM or INSUFFICIENT_DATA, as the store last evaluated it. */
  state?: string;
  /** The alarm's ARN, by which a dashboard shows it. */
  arn?: string;
}

export type AlarmToStore = Omit<StoredAlarm, 'state' | 'arn'>;

export interface ThresholdAlarmStore {
  /**
   * Vigil's alarms on the model's series (found by name prefix, confirmed by the Model dimension),
   * or, without a model, on every model's series in Vigil's namespace.
   */
  list(model?: string): Promise<StoredAlarm[]>;
  /** Creates or replaces the alarm of that name. */
  put(alarm: AlarmToStore): Promise<void>;
  /** Deletes alarms by name; a missing one is not an error. */
  remove(names: readonly string[]): Promise<void>;
}
