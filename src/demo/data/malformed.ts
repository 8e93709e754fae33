// Malformed production records, so the stream validator and quarantine have real work in the
// demo. Two kinds, as they happen in practice:
// - non_numeric: a float feature carries text ("abc", "n/a", or a decimal comma "12,50");
// - missing_required: a feature that has no contract default arrives empty (null).
// Labels still arrive for these records: the label source does not know the record was bad.
import type { DemoValue } from './demo-value.js';
import type { Random } from './random.js';

export interface Malformation {
  record_id: string;
  feature: string;
  kind: 'non_numeric' | 'missing_required';
  value: DemoValue;
}

const floatFeatures = ['price', 'competitor_price', 'temperature', 'footfall'];
const requiredFeatures = ['price', 'competitor_price', 'store_type', 'day_of_week', 'footfall'];
const junk = ['abc', 'n/a', '12,50'];

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random.next() * items.length)];
  if (item === undefined) throw new Error('pick() needs at least one item');
  return item;
}

/** Corrupts one value of `values` (contract order, changed in place) and describes it. */
export function corrupt(random: Random, recordId: string, names: readonly string[], values: DemoValue[]): Malformation {
  const nonNumeric = random.chance(0.5);
  const feature = pick(random, nonNumeric ? floatFeatures : requiredFeatures);
  const value = nonNumeric ? pick(random, junk) : null;
  values[names.indexOf(feature)] = value;
  return { record_id: recordId, feature, kind: nonNumeric ? 'non_numeric' : 'missing_required', value };
}
