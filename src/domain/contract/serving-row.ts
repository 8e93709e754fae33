// A row of the model's input as an endpoint takes it: the feature values in contract order, the
// order the model was trained on. Batch scoring and the smoke test build their payloads with it.
import type { FeatureValue } from '../model/coerce.js';
import type { FeatureContract } from './contract.js';

export function servingRow(contract: FeatureContract, features: Readonly<Record<string, FeatureValue>>): FeatureValue[] {
  return contract.features.map((feature) => features[feature.name] ?? null);
}
