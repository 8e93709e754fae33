// A model's monitoring settings as the config schema fills them in (defaults applied), for tests
// of what the monitoring section implies.
import assert from 'node:assert/strict';
import { configSchema, type MonitoringConfig } from '../../src/config/schema.js';

export function monitoringPolicy(monitoring: Record<string, unknown> = {}): MonitoringConfig {
  const config = configSchema.parse({
    models: [
      {
        id: 'demand',
        contract: 'demand.json',
        endpoints: { production: 'demand-production', staging: 'demand-staging' },
        sources: { productionLog: { table: 'log' }, labels: { table: 'labels' }, baseline: { table: 'baseline' } },
        monitoring,
      },
    ],
  });
  const model = config.models[0];
  assert.ok(model !== undefined);
  return model.monitoring;
}
