// AWS mode's source catalog: a model's inputs are tables already catalogued in Glue ("db.table" or
// a table of the warehouse's database), checked against the contract on first use (and again after
// a failure, so a fixed table is picked up by a retry). Files cannot be read from Athena.
import type { SourceConfig } from '../../../config/schema.js';
import type { FeatureContract } from '../../../domain/contract/contract.js';
import { NonRetryableError } from '../../../domain/errors.js';
import type { MonitoringTables } from '../../../domain/sql/query-input.js';
import { type SourceName, hasSchemaVersion, missingColumns, sourceColumns, sourceDescriptions } from '../../../domain/sql/source-columns.js';
import { tableNameParts } from '../../../domain/sql/sql-text.js';
import { streamQuarantineColumns } from '../../../domain/sql/stream-quarantine.js';
import type { SourceCatalog } from '../../../ports/source-catalog.js';
import type { Warehouse } from '../../../ports/warehouse.js';

export type AthenaModelSources = Record<SourceName, SourceConfig> & { streamQuarantine?: SourceConfig | undefined };

export class AthenaSourceCatalog implements SourceCatalog {
  private readonly checked = new Map<string, Promise<MonitoringTables>>();

  constructor(
    private readonly warehouse: Pick<Warehouse, 'describe'>,
    private readonly sources: Record<string, AthenaModelSources>,
    /** The result table of scored predictions (in the warehouse's database). */
    private readonly scoredPredictions = 'scored_predictions',
  ) {}

  tablesFor(contract: FeatureContract): Promise<MonitoringTables> {
    const cached = this.checked.get(contract.model);
    if (cached !== undefined) return cached;
    const checking = this.check(contract);
    this.checked.set(contract.model, checking);
    checking.catch(() => this.checked.delete(contract.model));
    return checking;
  }

  private async check(contract: FeatureContract): Promise<MonitoringTables> {
    const { model } = contract;
    const sources = this.sources[model];
    if (sources === undefined) throw new NonRetryableError(`no sources are configured for model "${model}"`, 'UNKNOWN_MODEL');
    // Every source is vetted before the first query, so a config mistake costs no Athena time.
    const tables: MonitoringTables = {
      productionLog: tableOf(model, 'productionLog', sources.productionLog),
      labels: tableOf(model, 'labels', sources.labels),
      baseline: tableOf(model, 'baseline', sources.baseline),
      scoredPredictions: this.scoredPredictions,
    };
    const required = sourceColumns(contract);
    const stamped: ('productionLog' | 'baseline')[] = [];
    for (const name of ['productionLog', 'labels', 'baseline'] as const) {
      const present = await this.checkSource(model, name, tables[name], required[name]);
      if (name !== 'labels' && hasSchemaVersion(present)) stamped.push(name);
    }
    if (stamped.length > 0) tables.stampedSources = stamped;
    if (sources.streamQuarantine === undefined) return tables;
    const streamQuarantine = tableOf(model, 'streamQuarantine', sources.streamQuarantine);
    await this.checkSource(model, 'streamQuarantine', streamQuarantine, streamQuarantineColumns);
    return { ...tables, streamQuarantine };
  }

  /** Checks the table has the columns required; returns the columns it has. */
  private async checkSource(model: string, name: SourceName | 'streamQuarantine', table: string, required: readonly string[]): Promise<string[]> {
    const what = `${name === 'streamQuarantine' ? 'stream quarantine' : sourceDescriptions[name]} source of model "${model}" (Athena table ${table})`;
    let present: string[] | undefined;
    try {
      present = await this.warehouse.describe(table);
    } catch (error) {
      // Throttling and outages stay retryable; anything else is about this source.
      if (!(error instanceof NonRetryableError)) throw error;
      throw new NonRetryableError(`${what} cannot be read: ${error.message}`, 'SOURCE_UNREADABLE', { cause: error });
    }
    if (present === undefined) throw new NonRetryableError(`${what} does not exist`, 'SOURCE_UNREADABLE');
    const missing = missingColumns(required, present);
    if (missing.length > 0) {
      const list = missing.map((column) => `"${column}"`).join(', ');
      throw new NonRetryableError(`${what} is missing column${missing.length > 1 ? 's' : ''} ${list}`, 'SOURCE_COLUMNS');
    }
    return present;
  }
}

function tableOf(model: string, name: SourceName | 'streamQuarantine', source: SourceConfig): string {
  const where = `models.${model}.sources.${name}`;
  if (!('table' in source)) {
    throw new NonRetryableError(
      `${where}: file source "${source.path}" cannot be read in mode "aws": catalogue it as an Athena table and give { table: "database.table" }`,
      'INVALID_SOURCE',
    );
  }
  try {
    tableNameParts(source.table);
  } catch (error) {
    throw new NonRetryableError(`${where}: ${error instanceof Error ? error.message : String(error)}`, 'INVALID_SOURCE', { cause: error });
  }
  return source.table;
}
