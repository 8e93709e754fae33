// Publishes monitoring values where alarms and dashboards read them: CloudWatch on AWS, a
// warehouse table locally.

export interface MetricPoint {
  model: string;
  subject: string;
  metric: string;
  value: number;
  timestamp: string;
}

export interface MetricsSink {
  publish(points: MetricPoint[]): Promise<void>;
}
