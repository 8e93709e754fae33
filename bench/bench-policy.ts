// The monitoring settings every bench run uses: a deployment config's defaults.
import { configSchema, type MonitoringConfig } from '../src/config/schema.js';
import { benchModel } from './generate-data.js';

/**
 * The monitoring policy with every default, as a deployment config without overrides yields it,
 * and the warehouse connections a worker opens by default.
 */
export function benchMonitoringDefaults(sampleRate: number): { policy: MonitoringConfig; connections: number } {
  const config = configSchema.parse({
    models: [
      {
        id: benchModel,
        contract: 'contract.json',
        endpoints: { production: 'bench-production', staging: 'bench-staging' },
        sources: { productionLog: { table: 'log' }, labels: { table: 'labels' }, baseline: { table: 'baseline' } },
        monitoring: { sampleRate },
      },
    ],
  });
  const model = config.models[0];
  if (model === undefined) throw new Error('the bench config has no model');
  return { policy: model.monitoring, connections: config.local.warehouseConnections };
}
