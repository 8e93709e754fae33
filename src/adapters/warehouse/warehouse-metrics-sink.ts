// Local mode's metrics sink: the published points in a warehouse table, one set per (model,
// timestamp), so a rerun replaces its points as CloudWatch would overwrite a dashboard's view.
import type { MetricPoint, MetricsSink, PublishSummary } from '../../ports/metrics-sink.js';
import type { Warehouse } from '../../ports/warehouse.js';

export const metricPointsTable = 'metric_points';

export class WarehouseMetricsSink implements MetricsSink {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly warehouse: Warehouse) {}

  async publish(points: MetricPoint[]): Promise<PublishSummary> {
    this.ready ??= this.warehouse.execute(
      `CREATE TABLE IF NOT EXISTS ${metricPointsTable} (model VARCHAR, subject VARCHAR, metric VARCHAR, value DOUBLE, "timestamp" VARCHAR)`,
      { label: 'ddl:metric_points' },
    );
    await this.ready;
    const byKey = new Map<string, MetricPoint[]>();
    for (const point of points) {
      const key = `${point.model}\u0000${point.timestamp}`;
      byKey.set(key, [...(byKey.get(key) ?? []), point]);
    }
    for (const group of byKey.values()) {
      const first = group[0];
      if (first === undefined) continue;
      await this.warehouse.replaceRows(
        metricPointsTable,
        { model: first.model, timestamp: first.timestamp },
        group.map((p) => ({ model: p.model, subject: p.subject, metric: p.metric, value: p.value, timestamp: p.timestamp })),
      );
    }
    return { published: points.length, skippedTooOld: 0 };
  }
}
