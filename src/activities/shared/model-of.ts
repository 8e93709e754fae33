// A model's config and contract by id, or the non-retryable "unknown model" failure naming the
// models that are configured.
import type { ModelConfig } from '../../config/schema.js';
import type { FeatureContract } from '../../domain/contract/contract.js';
import type { ContractIdentity } from '../../domain/retraining/registered-version.js';
import { unknownModel } from './activity-errors.js';
import type { ActivityDeps } from './activity-deps.js';

export function modelOf(deps: ActivityDeps, model: string): { config: ModelConfig; contract: FeatureContract; contractIdentity: ContractIdentity } {
  const config = deps.loaded.config.models.find((entry) => entry.id === model);
  const contract = deps.loaded.contracts[model];
  const hash = deps.loaded.contractHashes[model];
  if (config === undefined || contract === undefined || hash === undefined) throw unknownModel(model, deps.loaded.config);
  return { config, contract, contractIdentity: { featureSchemaVersion: contract.feature_schema_version, hash } };
}
