// What an analysis stages once and every statistic then reads (see StagedSources): the window's
// rows converted per the contract, the reference rows, and the labels known at the as-of time.
// Converting text to typed values and checking the contract is most of a query's cost, so each
// statistic over raw sources paid it again; staged, it is paid once per analysis.
import { type SqlDialect } from './dialect.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, withCtes } from './query-input.js';
import { baselineRowsCte, isStamped, labelsAsOfCte, windowRowsCte } from './source-rows.js';
import { type StagedColumn, stagedBaselineColumns, stagedLabelColumns, stagedWindowColumns } from './staged-columns.js';

/** A staging statement, with the columns (names and types) of the rows it selects. */
export interface StagingQuery extends BuiltQuery {
  columns: readonly StagedColumn[];
}

/** Input with nothing staged: staging reads the sources themselves. */
function fromSources(input: MonitoringQueryInput): MonitoringQueryInput {
  const { staged: _staged, ...rest } = input;
  return rest;
}

/**
 * window_source's rows over `span` (a window, or a longer span ending with it that facets read).
 * Raw texts are kept for quarantined rows only, which are the only ones that quote them.
 */
export function stagedWindowSql(input: MonitoringQueryInput, span: { start: string; end: string }): StagingQuery {
  const checked = checkInput({ ...fromSources(input), window: span });
  const columns = stagedWindowColumns(checked.contract, { stamped: isStamped(checked, 'productionLog'), sampled: checked.sampleRate < 1 });
  return {
    sql: withCtes([windowRowsCte(checked)], `SELECT\n${writtenColumns(checked.dialect, columns)}\nFROM window_source`),
    label: `stage-window:${checked.contract.model}`,
    columns,
  };
}

/** baseline_rows with what the statistics read of it: time, prediction, label and feature values. */
export function stagedBaselineSql(input: MonitoringQueryInput): StagingQuery {
  const checked = checkInput(fromSources(input));
  const columns = stagedBaselineColumns(checked.contract);
  return {
    sql: withCtes([baselineRowsCte(checked)], `SELECT\n${writtenColumns(checked.dialect, columns)}\nFROM baseline_rows`),
    label: `stage-baseline:${checked.contract.model}`,
    columns,
  };
}

/** The select list that writes the staged columns (readStagedColumns reads them back). */
function writtenColumns(d: SqlDialect, columns: readonly StagedColumn[]): string {
  const id = d.ident;
  return columns
    .map((column) => {
      const name = id(column.name);
      if (column.kind === 'time') return `  ${d.storedTimestamp(name)} AS ${name}`;
      if (column.kind === 'raw') return `  CASE WHEN ${id('is_valid')} THEN NULL ELSE ${name} END AS ${name}`;
      return `  ${name}`;
    })
    .join(',\n');
}

/** labels_as_of at `asOf`: one label per record. */
export function stagedLabelsSql(input: MonitoringQueryInput, asOf: string): StagingQuery {
  const checked = checkInput(fromSources(input));
  const columns = stagedLabelColumns;
  return {
    sql: withCtes([labelsAsOfCte(checked, asOf)], `SELECT ${writtenColumns(checked.dialect, columns).trim()} FROM labels_as_of`),
    label: `stage-labels:${checked.contract.model}`,
    columns,
  };
}
