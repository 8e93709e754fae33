// `vigil cost report [--since 30d]`: what each model cost over the last days, from Cost Explorer
// grouped by the vigil:model cost allocation tag, beside what its monitoring runs had Athena scan
// (aws mode). Each day's figures per model are also written to the model_costs table, which
// dashboards read; a rerun replaces them.
import { AthenaClient } from '@aws-sdk/client-athena';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { S3Client } from '@aws-sdk/client-s3';
import { athenaWarehouseFor } from '../../adapters/aws/athena/athena-warehouse-for.js';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import { CostExplorerSource } from '../../adapters/aws/cost-explorer/cost-explorer-source.js';
import { durationMs } from '../../config/duration.js';
import { costByModel, untaggedLabel, type ModelCost } from '../../domain/cost/cost-report.js';
import { modelCostRows, scansByModel } from '../../domain/cost/model-costs.js';
import { athenaDialect } from '../../domain/sql/dialect.js';
import { decodeMonitoringScans, monitoringScansSql, type MonitoringScanDay } from '../../domain/sql/monitoring-scans.js';
import { dayMs } from '../../domain/time.js';
import { renderTable } from '../../terminal/table.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface CostReportOptions {
  config: string;
  since: string;
  json?: boolean;
  /** Today (tests); default the clock. */
  now?: Date;
}

export interface CostReportLine extends ModelCost {
  /** Monitoring runs started in the span, the bytes Athena scanned for them and what that costs. */
  monitoring: { runs: number; bytesScanned: number; usd: number };
}

const money = (amount: number): string => amount.toFixed(2);
const gigabytes = (bytes: number): string => (bytes / 1024 ** 3).toFixed(2);

function span(since: string, now: Date): { start: string; end: string; days: number } {
  if (!/^\d+d$/.test(since) || durationMs(since) < dayMs) throw new Error(`--since must be whole days such as 30d, got "${since}"`);
  const days = durationMs(since) / dayMs;
  const end = now.toISOString().slice(0, 10);
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - days * dayMs).toISOString().slice(0, 10);
  return { start, end, days };
}

export async function costReportCommand(options: CostReportOptions): Promise<CostReportLine[]> {
  const now = new Date(options.now ?? new Date());
  const { start, end, days } = span(options.since, now);
  const loaded = await loadCliConfig(options.config);
  const aws = loaded.config.aws;
  if (loaded.config.mode !== 'aws' || aws === undefined) throw new Error(`${loaded.path}: \`vigil cost report\` reads Cost Explorer; the config is in mode "${loaded.config.mode}"`);
  const settings = awsClientSettings(aws);
  // Cost Explorer answers in us-east-1 only.
  const costExplorer = new CostExplorerClient({ ...settings, region: 'us-east-1' });
  const athena = new AthenaClient(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: aws.endpointUrl !== undefined });
  const warehouse = athenaWarehouseFor(aws, { athena, s3 });
  try {
    const costs = await new CostExplorerSource(costExplorer).dailyCostByTag({ tagKey: 'vigil:model', start, end });
    const built = monitoringScansSql({ start, end, dialect: athenaDialect });
    const scans: MonitoringScanDay[] = decodeMonitoringScans((await warehouse.query(built.sql, { label: built.label })).rows);
    for (const { key, rows } of modelCostRows(costs, scans, now.toISOString())) await warehouse.replaceRows('model_costs', key, rows);
    const scanned = scansByModel(scans);
    const none = { runs: 0, bytesScanned: 0, usd: 0 };
    const charged = costByModel(costs, days);
    const lines: CostReportLine[] = [
      ...charged.map((line) => ({ ...line, monitoring: scanned.get(line.model) ?? none })),
      // A model whose cost is not tagged yet still shows what its monitoring scanned.
      ...[...scanned.entries()]
        .filter(([model]) => !charged.some((line) => line.model === model))
        .map(([model, monitoring]) => ({ model, total: 0, perDay: 0, peakDay: '', peak: 0, unit: 'USD', monitoring })),
    ];
    print(lines, { start, end, json: options.json === true });
    return lines;
  } finally {
    costExplorer.destroy();
    await warehouse.close();
    athena.destroy();
    s3.destroy();
  }
}

function print(lines: readonly CostReportLine[], at: { start: string; end: string; json: boolean }): void {
  if (at.json) return console.log(JSON.stringify({ start: at.start, end: at.end, models: lines }));
  if (lines.length === 0) return console.log(`no cost from ${at.start} to ${at.end} (is vigil:model activated as a cost allocation tag?) and no monitoring runs`);
  console.log(`cost by model from ${at.start} to ${at.end} (Cost Explorer UnblendedCost by the vigil:model tag; monitoring scans from monitoring_runs at $5/TB)`);
  console.log(
    renderTable(
      ['model', 'total', 'per day', 'peak day', 'peak', 'unit', 'monitoring runs', 'scanned GB', 'scan cost'],
      lines.map((line) => [line.model, money(line.total), money(line.perDay), line.peakDay, money(line.peak), line.unit, String(line.monitoring.runs), gigabytes(line.monitoring.bytesScanned), money(line.monitoring.usd)]),
    ),
  );
  if (lines.some((line) => line.model === untaggedLabel)) console.log(`${untaggedLabel}: the account's cost without a vigil:model tag (other workloads, or Vigil resources \`vigil cost tags\` reports)`);
  console.log('written to model_costs (one row per model, day and source)');
}
