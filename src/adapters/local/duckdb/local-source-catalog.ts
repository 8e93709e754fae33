// Local mode's source catalog: DuckDB views over the files the config names, checked against the
// contract on first use (and again after a failure, so a fixed file is picked up by a retry).
import type { SourceConfig } from '../../../config/schema.js';
import type { FeatureContract } from '../../../domain/contract/contract.js';
import { NonRetryableError } from '../../../domain/errors.js';
import type { MonitoringTables } from '../../../domain/sql/query-input.js';
import type { SourceCatalog } from '../../../ports/source-catalog.js';
import type { DuckDbWarehouse } from './duckdb-warehouse.js';
import type { FileSource } from './warehouse-sources.js';

export interface ModelSources {
  productionLog: SourceConfig;
  labels: SourceConfig;
  baseline: SourceConfig;
}

export class LocalSourceCatalog implements SourceCatalog {
  private readonly registered = new Map<string, Promise<MonitoringTables>>();

  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly sources: Record<string, ModelSources>,
    private readonly resolvePath: (path: string) => string,
  ) {}

  tablesFor(contract: FeatureContract): Promise<MonitoringTables> {
    const cached = this.registered.get(contract.model);
    if (cached !== undefined) return cached;
    const registering = this.register(contract);
    this.registered.set(contract.model, registering);
    registering.catch(() => this.registered.delete(contract.model));
    return registering;
  }

  private register(contract: FeatureContract): Promise<MonitoringTables> {
    const sources = this.sources[contract.model];
    if (sources === undefined) return Promise.reject(new NonRetryableError(`no sources are configured for model "${contract.model}"`, 'UNKNOWN_MODEL'));
    const file = (name: keyof ModelSources): FileSource => {
      const source = sources[name];
      if ('table' in source) {
        throw new NonRetryableError(
          `models.${contract.model}.sources.${name}: local mode reads files ({ path, format }), not table "${source.table}"`,
          'INVALID_SOURCE',
        );
      }
      return { path: this.resolvePath(source.path), format: source.format };
    };
    return this.warehouse.registerFileSources({ contract, productionLog: file('productionLog'), labels: file('labels'), baseline: file('baseline') });
  }
}
