// The contract lookup both modes hand their training pipeline: an unknown model fails the step at
// once (retrying cannot make it known).
import { unknownModelMessage } from '../config/models.js';
import type { LoadedConfig } from '../config/load.js';
import type { FeatureContract } from '../domain/contract/contract.js';
import { NonRetryableError } from '../domain/errors.js';

export function contractLookup(loaded: LoadedConfig): (model: string) => FeatureContract {
  return (model) => {
    const contract = loaded.contracts[model];
    if (contract === undefined) throw new NonRetryableError(unknownModelMessage(model, loaded.config), 'UNKNOWN_MODEL');
    return contract;
  };
}
