// Cost per model from daily costs grouped by the vigil:model tag: a total, a daily mean and the
// day that cost most, per model, the untagged share kept apart so it is seen, not lost.

export interface DailyCost {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The tag's value; '' for cost carrying no such tag. */
  model: string;
  amount: number;
  unit: string;
}

export interface ModelCost {
  /** The model, or "(untagged)". */
  model: string;
  total: number;
  perDay: number;
  peakDay: string;
  peak: number;
  unit: string;
}

export const untaggedLabel = '(untagged)';

/** Totals per model over the days given, most expensive first; `days` is the span's length. */
export function costByModel(costs: readonly DailyCost[], days: number): ModelCost[] {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a cost report spans whole days >= 1, not ${days}`);
  const byModel = new Map<string, ModelCost>();
  for (const cost of costs) {
    const model = cost.model === '' ? untaggedLabel : cost.model;
    const entry = byModel.get(model) ?? { model, total: 0, perDay: 0, peakDay: cost.day, peak: Number.NEGATIVE_INFINITY, unit: cost.unit };
    if (entry.unit !== cost.unit) throw new Error(`costs of ${model} come in ${entry.unit} and ${cost.unit}: one currency per report`);
    entry.total += cost.amount;
    if (cost.amount > entry.peak) {
      entry.peak = cost.amount;
      entry.peakDay = cost.day;
    }
    byModel.set(model, entry);
  }
  return [...byModel.values()]
    .map((entry) => ({ ...entry, perDay: entry.total / days }))
    .sort((a, b) => b.total - a.total || (a.model < b.model ? -1 : 1));
}
