// The one composition root: builds the adapters for the configured mode and hands the activities
// ports. Nothing else knows which mode runs. Local mode is built here, AWS mode in
// compose-aws-runtime.ts; the alert and approval channels both share are in compose-channels.ts.
import { prepareResultTables } from './startup-retry.js';
import { join } from 'node:path';
import type { ActivityDeps } from '../activities/index.js';
import type { Runtime, RuntimeOptions } from './runtime-options.js';
import { resolvePath, type LoadedConfig } from '../config/load.js';
import { DuckDbWarehouse } from '../adapters/local/duckdb/duckdb-warehouse.js';
import { resultsSnapshotDir } from '../adapters/local/duckdb/results-export.js';
import { FileIncidentStore } from '../adapters/local/files/file-incident-store.js';
import { LocalModelHost } from '../adapters/local/model-host/local-model-host.js';
import { LocalSourceCatalog, type ModelSources } from '../adapters/local/duckdb/local-source-catalog.js';
import { WarehouseMetricsSink } from '../adapters/warehouse/warehouse-metrics-sink.js';
import { FileModelRegistry } from '../adapters/local/files/file-model-registry.js';
import { LocalTrainingPipeline } from '../adapters/local/training/local-training-pipeline.js';
import { WarehouseAuditLog } from '../adapters/warehouse/warehouse-audit-log.js';
import { composeAwsRuntime } from './compose-aws-runtime.js';
import { channelsFor } from './compose-channels.js';
import { contractLookup } from './model-contracts.js';

export type { Runtime, RuntimeOptions } from './runtime-options.js';

export function dataDirOf(loaded: LoadedConfig): string {
  return resolvePath(loaded.path, loaded.config.dataDir);
}

export async function composeRuntime(loaded: LoadedConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  if (loaded.config.mode === 'aws') return composeAwsRuntime(loaded, options);
  const dataDir = dataDirOf(loaded);
  const warehouse = await DuckDbWarehouse.open({
    path: join(dataDir, 'warehouse.duckdb'),
    // Readable by other processes while this one holds the database file: `vigil query`, dashboards.
    resultsExportDir: resultsSnapshotDir(dataDir),
    connections: loaded.config.local.warehouseConnections,
    // Every monitoring query orders what it needs; without insertion order DuckDB streams and
    // spills instead of buffering, so memory stays flat as windows grow (see bench/README.md).
    settings: {
      memory_limit: loaded.config.local.warehouseMemoryLimit,
      temp_directory: join(dataDir, 'duckdb-spill'),
      preserve_insertion_order: 'false',
    },
  });
  try {
    await prepareResultTables(warehouse, loaded);
    const sources: Record<string, ModelSources> = Object.fromEntries(loaded.config.models.map((model) => [model.id, model.sources]));
    const sourceCatalog = new LocalSourceCatalog(warehouse, sources, (path) => resolvePath(loaded.path, path));
    const training = new LocalTrainingPipeline({
      warehouse,
      dataDir,
      contractFor: contractLookup(loaded),
      tablesFor: (contract) => sourceCatalog.tablesFor(contract),
    });
    const deps: ActivityDeps = {
      loaded,
      warehouse,
      sources: sourceCatalog,
      modelHost: new LocalModelHost({
        serverUrl: options.modelServerUrl ?? `http://127.0.0.1:${loaded.config.local.modelServerPort}`,
        dataDir,
      }),
      metricsSink: new WarehouseMetricsSink(warehouse),
      incidents: new FileIncidentStore(join(dataDir, 'incidents.json')),
      training,
      registry: new FileModelRegistry(dataDir),
      audit: new WarehouseAuditLog(warehouse),
      ...channelsFor(loaded, options),
    };
    return {
      deps,
      close: async () => {
        // A training process still running is stopped; its execution stays open and the next
        // worker resumes it (it exported its rows, so the warehouse can close now).
        await training.close();
        await warehouse.close();
      },
    };
  } catch (error) {
    await warehouse.close();
    throw error;
  }
}
