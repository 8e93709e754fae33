// What an analysis stages once and every statistic then reads (see StagedSources): the window's
// rows converted per the contract, the reference rows, and the labels known at the as-of time.
// Converting text to typed values and checking the contract is most of a query's cost, so each
// statistic over raw sources paid it again; staged, it is paid once per analysis.
import { type BuiltQuery, type MonitoringQueryInput, checkInput, featureColumn as fc, withCtes } from './query-input.js';
import { baselineRowsCte, isStamped, labelsAsOfCte, rawSchemaVersion, windowRowsCte } from './source-rows.js';

/** Input with nothing staged: staging reads the sources themselves. */
function fromSources(input: MonitoringQueryInput): MonitoringQueryInput {
  const { staged: _staged, ...rest } = input;
  return rest;
}

/**
 * window_source's rows over `span` (a window, or a longer span ending with it that facets read).
 * Raw texts are kept for quarantined rows only, which are the only ones that quote them; sample_u
 * only where the input samples, since window_rows alone reads it.
 */
export function stagedWindowSql(input: MonitoringQueryInput, span: { start: string; end: string }): BuiltQuery {
  const checked = checkInput({ ...fromSources(input), window: span });
  const d = checked.dialect;
  const id = d.ident;
  const invalidOnly = (column: string): string => `CASE WHEN ${id('is_valid')} THEN NULL ELSE ${id(column)} END AS ${id(column)}`;
  const columns = [
    id('record_id'),
    id('event_time'),
    invalidOnly('raw_event_time'),
    invalidOnly('raw_prediction'),
    ...(isStamped(checked, 'productionLog') ? [invalidOnly(rawSchemaVersion)] : []),
    id('model_version'),
    id('prediction'),
    id('prediction_from_scoring'),
    ...checked.contract.features.flatMap((f) => [
      invalidOnly(fc.raw(f.name)),
      id(fc.missing(f.name)),
      id(fc.typeError(f.name)),
      id(fc.value(f.name)),
    ]),
    id('is_valid'),
    ...(checked.sampleRate < 1 ? [id('sample_u')] : []),
  ];
  return {
    sql: withCtes([windowRowsCte(checked)], `SELECT\n${columns.map((c) => `  ${c}`).join(',\n')}\nFROM window_source`),
    label: `stage-window:${checked.contract.model}`,
  };
}

/** baseline_rows with what the statistics read of it: time, prediction, label and feature values. */
export function stagedBaselineSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(fromSources(input));
  const id = checked.dialect.ident;
  const columns = [id('event_time'), id('prediction'), id('label'), ...checked.contract.features.map((f) => id(fc.value(f.name)))];
  return {
    sql: withCtes([baselineRowsCte(checked)], `SELECT\n${columns.map((c) => `  ${c}`).join(',\n')}\nFROM baseline_rows`),
    label: `stage-baseline:${checked.contract.model}`,
  };
}

/** labels_as_of at `asOf`: one label per record. */
export function stagedLabelsSql(input: MonitoringQueryInput, asOf: string): BuiltQuery {
  const checked = checkInput(fromSources(input));
  return { sql: withCtes([labelsAsOfCte(checked, asOf)], 'SELECT * FROM labels_as_of'), label: `stage-labels:${checked.contract.model}` };
}
