// Cost per model per day, as the model_costs table keeps it for dashboards: what Cost Explorer
// charged under the model's vigil:model tag, and what its monitoring runs had Athena scan. Athena
// bills the workgroup, not a model, so the scans are the share a tag cannot show.
import type { MonitoringScanDay } from '../sql/monitoring-scans.js';
import type { Row } from '../sql/row.js';
import { untaggedLabel, type DailyCost } from './cost-report.js';

/** Athena's price for SQL queries: $5.00 per TB scanned (10 MB minimum per query, already in what Athena reports). */
export const athenaUsdPerTerabyte = 5;

const terabyte = 1024 ** 4;

export function athenaScanUsd(bytes: number): number {
  return (bytes / terabyte) * athenaUsdPerTerabyte;
}

export type CostSourceName = 'cost-explorer' | 'athena-monitoring';

/** The model_costs rows of each (model, day), keyed for replaceRows: a rerun replaces a day's rows. */
export function modelCostRows(costs: readonly DailyCost[], scans: readonly MonitoringScanDay[], recordedAt: string): { key: { model: string; day: string }; rows: Row[] }[] {
  const byKey = new Map<string, { key: { model: string; day: string }; rows: Row[] }>();
  const add = (model: string, day: string, row: Row): void => {
    const id = `${model}\n${day}`;
    const entry = byKey.get(id) ?? { key: { model, day }, rows: [] };
    entry.rows.push({ ...row, model, day, recorded_at: recordedAt });
    byKey.set(id, entry);
  };
  for (const cost of costs) {
    add(cost.model === '' ? untaggedLabel : cost.model, cost.day, { source: 'cost-explorer', amount: cost.amount, unit: cost.unit, bytes_scanned: null, runs: null });
  }
  for (const scan of scans) {
    add(scan.model, scan.day, { source: 'athena-monitoring', amount: athenaScanUsd(scan.bytesScanned), unit: 'USD', bytes_scanned: scan.bytesScanned, runs: scan.runs });
  }
  return [...byKey.values()].sort((a, b) => (a.key.day === b.key.day ? (a.key.model < b.key.model ? -1 : 1) : a.key.day < b.key.day ? -1 : 1));
}

/** Bytes scanned and their cost per model over the span. */
export function scansByModel(scans: readonly MonitoringScanDay[]): Map<string, { runs: number; bytesScanned: number; usd: number }> {
  const byModel = new Map<string, { runs: number; bytesScanned: number; usd: number }>();
  for (const scan of scans) {
    const entry = byModel.get(scan.model) ?? { runs: 0, bytesScanned: 0, usd: 0 };
    entry.runs += scan.runs;
    entry.bytesScanned += scan.bytesScanned;
    entry.usd = athenaScanUsd(entry.bytesScanned);
    byModel.set(scan.model, entry);
  }
  return byModel;
}
