// Publishes monitoring values where alarms and dashboards read them: CloudWatch on AWS, a
// warehouse table locally.

export interface MetricPoint {
  model: string;
  subject: string;
  metric: string;
  value: number;
  timestamp: string;
}

export interface PublishSummary {
  published: number;
  /** Points the sink cannot store (CloudWatch: older than two weeks), left in the warehouse only. */
  skippedTooOld: number;
}

export interface MetricsSink {
  publish(points: MetricPoint[]): Promise<PublishSummary>;
}
