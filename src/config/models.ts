// A configured model by id. The CLI and the worker refuse an unknown id with the same words,
// naming the models that are configured.
import type { ModelConfig, VigilConfig } from './schema.js';

export function unknownModelMessage(id: string, config: VigilConfig): string {
  return `unknown model "${id}" (configured: ${config.models.map((model) => model.id).join(', ') || 'none'})`;
}

export function modelById(config: VigilConfig, id: string): ModelConfig {
  const model = config.models.find((entry) => entry.id === id);
  if (model === undefined) throw new Error(unknownModelMessage(id, config));
  return model;
}
