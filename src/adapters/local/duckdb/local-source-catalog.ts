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
  streamQuarantine?: SourceConfig | undefined;
}

export class LocalSourceCatalog implements SourceCatalog {
  private readonly registered = new Map<string, Promise<MonitoringTables>>();
  private readonly streamQuarantines = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly sources: Record<string, ModelSources>,
    private readonly resolvePath: (path: string) => string,
  ) {}

  async tablesFor(contract: FeatureContract): Promise<MonitoringTables> {
    let registering = this.registered.get(contract.model);
    if (registering === undefined) {
      registering = this.register(contract);
      this.registered.set(contract.model, registering);
      registering.catch(() => this.registered.delete(contract.model));
    }
    const tables = await registering;
    const streamQuarantine = await this.streamQuarantine(contract.model);
    return streamQuarantine === undefined ? tables : { ...tables, streamQuarantine };
  }

  /**
   * The stream quarantine's view, once it has a file: until the stream path has refused a record
   * there is nothing to read (and a view over no files cannot be made), so it is looked for again.
   */
  private streamQuarantine(model: string): Promise<string | undefined> {
    const known = this.streamQuarantines.get(model);
    if (known !== undefined) return known;
    const source = this.sources[model]?.streamQuarantine;
    if (source === undefined) return Promise.resolve(undefined);
    // Windows run side by side: one registration at a time, shared; none found is looked for again.
    const looking = this.warehouse.registerStreamQuarantine(model, this.fileOf(model, 'streamQuarantine', source));
    this.streamQuarantines.set(model, looking);
    looking.then(
      (view) => {
        if (view === undefined) this.streamQuarantines.delete(model);
      },
      () => this.streamQuarantines.delete(model),
    );
    return looking;
  }

  private fileOf(model: string, name: keyof ModelSources, source: SourceConfig): FileSource {
    if ('table' in source) {
      throw new NonRetryableError(`models.${model}.sources.${name}: local mode reads files ({ path, format }), not table "${source.table}"`, 'INVALID_SOURCE');
    }
    return { path: this.resolvePath(source.path), format: source.format };
  }

  private register(contract: FeatureContract): Promise<MonitoringTables> {
    const sources = this.sources[contract.model];
    if (sources === undefined) return Promise.reject(new NonRetryableError(`no sources are configured for model "${contract.model}"`, 'UNKNOWN_MODEL'));
    const file = (name: keyof ModelSources, source: SourceConfig): FileSource => this.fileOf(contract.model, name, source);
    return this.warehouse.registerFileSources({
      contract,
      productionLog: file('productionLog', sources.productionLog),
      labels: file('labels', sources.labels),
      baseline: file('baseline', sources.baseline),
    });
  }
}
