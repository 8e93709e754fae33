// `vigil cost report [--since 30d]`: what each model cost over the last days, from Cost Explorer
// grouped by the vigil:model cost allocation tag (aws mode).
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import { CostExplorerSource } from '../../adapters/aws/cost-explorer/cost-explorer-source.js';
import { durationMs } from '../../config/duration.js';
import { costByModel, untaggedLabel, type ModelCost } from '../../domain/cost/cost-report.js';
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

const money = (amount: number): string => amount.toFixed(2);

export async function costReportCommand(options: CostReportOptions): Promise<ModelCost[]> {
  if (!/^\d+d$/.test(options.since) || durationMs(options.since) < dayMs) throw new Error(`--since must be whole days such as 30d, got "${options.since}"`);
  const days = durationMs(options.since) / dayMs;
  const loaded = await loadCliConfig(options.config);
  const aws = loaded.config.aws;
  if (loaded.config.mode !== 'aws' || aws === undefined) throw new Error(`${loaded.path}: \`vigil cost report\` reads Cost Explorer; the config is in mode "${loaded.config.mode}"`);
  const today = new Date(options.now ?? new Date());
  const end = today.toISOString().slice(0, 10);
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - days * dayMs).toISOString().slice(0, 10);
  // Cost Explorer answers in us-east-1 only.
  const client = new CostExplorerClient({ ...awsClientSettings(aws), region: 'us-east-1' });
  try {
    const costs = await new CostExplorerSource(client).dailyCostByTag({ tagKey: 'vigil:model', start, end });
    const report = costByModel(costs, days);
    if (options.json === true) console.log(JSON.stringify({ start, end, models: report }));
    else if (report.length === 0) console.log(`no cost from ${start} to ${end} (is vigil:model activated as a cost allocation tag?)`);
    else {
      console.log(`cost by model from ${start} to ${end} (Cost Explorer, UnblendedCost, grouped by the vigil:model tag)`);
      console.log(renderTable(['model', 'total', 'per day', 'peak day', 'peak', 'unit'], report.map((row) => [row.model, money(row.total), money(row.perDay), row.peakDay, money(row.peak), row.unit])));
      if (report.some((row) => row.model === untaggedLabel)) console.log(`${untaggedLabel}: the account's cost without a vigil:model tag (other workloads, or Vigil resources \`vigil cost tags\` reports)`);
    }
    return report;
  } finally {
    client.destroy();
  }
}
