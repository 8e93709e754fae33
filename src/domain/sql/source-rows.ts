// The shared CTEs every monitoring query starts from: the window's production rows and the
// baseline rows, converted per the feature contract, and the delayed labels known at a time.
import { type FeatureContract, type FeatureSpec, isNumeric, readableVersions, schemaVersionColumn } from '../contract/contract.js';
import { type SqlDialect } from './dialect.js';
import { type CheckedInput, type MonitoringQueryInput, checkInput, featureColumn as fc } from './query-input.js';
import { SqlBuildError, isoUtc, normaliseWindow } from './sql-text.js';
import { rawSchemaVersion, readStagedColumns, stagedBaselineColumns, stagedWindowColumns } from './staged-columns.js';

/** Trimmed text of a column, NULL when null or empty: the "raw" value of the contract. */
export function rawText(d: SqlDialect, expr: string): string {
  return d.trimmedText(expr);
}

// Plain decimal notation only, as src/domain/model/coerce.ts: each engine's own casts also take
// "0x1F", "1_000", "inf" or "nan", and not the same ones.
const decimalPattern = String.raw`[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`;

/** A finite DOUBLE from trimmed text in decimal notation, else NULL. */
export function finiteDouble(d: SqlDialect, textExpr: string): string {
  const value = d.tryCast(textExpr, 'double');
  return `(CASE WHEN ${d.fullMatch(textExpr, decimalPattern)} AND ${d.isFinite(value)} THEN ${value} END)`;
}

/**
 * A finite DOUBLE from a source column: read directly where it holds numbers and the engine can
 * tell (see SqlDialect.whenNumericColumn), else from its trimmed text `textExpr`.
 */
export function finiteNumber(d: SqlDialect, source: string, textExpr: string): string {
  const number = d.tryCast(source, 'double');
  return d.whenNumericColumn(source, `(CASE WHEN ${d.isFinite(number)} THEN ${number} END)`, finiteDouble(d, textExpr));
}

/** Whether a feature's value is missing: a null source, or text that trims to nothing. */
function missingValue(d: SqlDialect, feature: FeatureSpec, raw: string, source: string): string {
  return isNumeric(feature) ? d.whenNumericColumn(source, `(${source} IS NULL)`, `(${raw} IS NULL)`) : `(${raw} IS NULL)`;
}

/** Converts a feature's raw text (or its numeric source column) to its contract type (NULL when it does not convert). */
function castFeature(d: SqlDialect, feature: FeatureSpec, raw: string, source: string): string {
  switch (feature.type) {
    case 'float':
      return finiteNumber(d, source, raw);
    case 'int': {
      // An int must be integral ("3" or "3.0"); "3.5" is a type error, not a silently rounded 4.
      const value = finiteNumber(d, source, raw);
      return `(CASE WHEN ${value} = floor(${value}) THEN ${value} END)`;
    }
    case 'bool':
      return d.tryCast(raw, 'boolean');
    case 'category':
      return raw;
  }
}

/** The contract default as a literal of the feature's type, or undefined when there is none. */
export function defaultLiteral(d: SqlDialect, feature: FeatureSpec): string | undefined {
  const value = feature.default;
  if (value === undefined) return undefined;
  switch (feature.type) {
    case 'float':
    case 'int': {
      const number = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(number)) {
        throw new SqlBuildError(`default ${JSON.stringify(value)} of ${feature.type} feature "${feature.name}" is not a number`);
      }
      return d.double(number);
    }
    case 'bool': {
      if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
      if (value === 'true' || value === 'false') return value.toUpperCase();
      throw new SqlBuildError(`default ${JSON.stringify(value)} of bool feature "${feature.name}" is not a boolean`);
    }
    case 'category':
      return d.string(String(value));
  }
}

export { rawSchemaVersion };

/** Whether the source's rows carry their contract version. */
export function isStamped(input: CheckedInput, source: 'productionLog' | 'baseline'): boolean {
  return input.tables.stampedSources?.includes(source) === true;
}

/**
 * True when a row's stamped version (raw text, NULL when unstamped) is one the contract reads, as
 * a number ("2", "2.0" and a DOUBLE column's 2 alike); never NULL, so a row is valid or quarantined.
 */
export function readableVersionCondition(d: SqlDialect, contract: FeatureContract, raw: string): string {
  const versions = readableVersions(contract).map((version) => d.double(version)).join(', ');
  return `(${raw} IS NULL OR coalesce(${finiteDouble(d, raw)} IN (${versions}), FALSE))`;
}

/** Raw and converted columns of one source (alias `src`), plus the fixed columns given. */
function rawAndCastCtes(
  d: SqlDialect,
  contract: FeatureContract,
  prefix: string,
  fixed: { select: string[]; cast: string[]; from: string; where?: string },
): string[] {
  const raw = contract.features.flatMap((f) => [
    `    ${rawText(d, `src.${d.ident(f.name)}`)} AS ${d.ident(fc.raw(f.name))}`,
    ...(isNumeric(f) ? [`    src.${d.ident(f.name)} AS ${d.ident(fc.source(f.name))}`] : []),
  ]);
  const cast = contract.features.map((f) => `    ${castFeature(d, f, d.ident(fc.raw(f.name)), d.ident(fc.source(f.name)))} AS ${d.ident(fc.cast(f.name))}`);
  return [
    `${prefix}_raw AS (\n  SELECT\n${[...fixed.select.map((s) => `    ${s}`), ...raw].join(',\n')}\n  FROM ${fixed.from} AS src` +
      `${fixed.where === undefined ? '' : `\n  WHERE ${fixed.where}`}\n)`,
    `${prefix}_cast AS (\n  SELECT\n    *,\n${[...fixed.cast.map((s) => `    ${s}`), ...cast].join(',\n')}\n  FROM ${prefix}_raw\n)`,
  ];
}

/** Per-feature contract columns over a *_cast CTE aliased `alias`, and the row's validity. */
function contractColumns(d: SqlDialect, contract: FeatureContract, alias: string): { columns: string[]; valid: string } {
  const columns: string[] = [];
  const problems: string[] = [];
  for (const f of contract.features) {
    const raw = `${alias}.${d.ident(fc.raw(f.name))}`;
    const cast = `${alias}.${d.ident(fc.cast(f.name))}`;
    const missing = missingValue(d, f, raw, `${alias}.${d.ident(fc.source(f.name))}`);
    const fallback = defaultLiteral(d, f);
    columns.push(
      raw,
      `${missing} AS ${d.ident(fc.missing(f.name))}`,
      `(NOT ${missing} AND ${cast} IS NULL) AS ${d.ident(fc.typeError(f.name))}`,
      `(CASE WHEN ${missing} THEN ${fallback ?? 'NULL'} ELSE ${cast} END) AS ${d.ident(fc.value(f.name))}`,
    );
    problems.push(`(NOT ${missing} AND ${cast} IS NULL)`);
    if (fallback === undefined) problems.push(missing);
  }
  return { columns, valid: `NOT (${problems.join(' OR ')})` };
}

/** The condition on a window_source row that the deterministic sample keeps it; none without sampling. */
export function inSample(checked: CheckedInput): string | undefined {
  return checked.sampleRate < 1 ? `${checked.dialect.ident('sample_u')} < ${checked.dialect.double(checked.sampleRate)}` : undefined;
}

/**
 * window_raw, window_cast, scored, window_source and window_rows: the production rows with
 * event_time in [start, end), the prediction (logged, else the latest scored one), every feature
 * converted with its default applied, the flags `m_*` (missing) and `e_*` (type error), and
 * `is_valid` (false for rows to quarantine: a type error, a missing value without default, or no
 * record id). window_source holds every row; window_rows the deterministic sample of it.
 */
export function windowRowsCte(input: MonitoringQueryInput): string {
  const checked = checkInput(input);
  const { dialect: d, contract, tables, window } = checked;
  const kept = inSample(checked);
  const sample = kept === undefined ? '' : `\n  WHERE ${kept}`;
  const rows = `window_rows AS (\n  SELECT * FROM window_source${sample}\n)`;
  const staged = checked.staged?.windowSource;
  if (staged !== undefined) {
    const time = d.ident('event_time');
    const span = `${time} >= ${d.timestampLiteral(window.start)} AND ${time} < ${d.timestampLiteral(window.end)}`;
    const columns = readStagedColumns(d, stagedWindowColumns(contract, { stamped: isStamped(checked, 'productionLog'), sampled: checked.sampleRate < 1 }));
    return [`window_source AS (\n  SELECT * FROM (\n    SELECT ${columns} FROM ${d.ident(staged)}\n  ) AS staged\n  WHERE ${span}\n)`, rows].join(',\n');
  }
  const cols = contract.columns;
  const src = (name: string): string => `src.${d.ident(name)}`;
  const eventTime = d.parseTimestamp(src(cols.event_time));
  const stamped = isStamped(checked, 'productionLog');
  const [rawCte, castCte] = rawAndCastCtes(d, contract, 'window', {
    select: [
      `${rawText(d, src(cols.record_id))} AS ${d.ident('record_id')}`,
      `${eventTime} AS ${d.ident('event_time')}`,
      `${d.tryCast(src(cols.event_time), 'varchar')} AS ${d.ident('raw_event_time')}`,
      `${rawText(d, src(cols.prediction))} AS ${d.ident('raw_prediction')}`,
      `${src(cols.prediction)} AS ${d.ident('source_prediction')}`,
      `${rawText(d, src(cols.model_version))} AS ${d.ident('model_version')}`,
      ...(stamped ? [`${rawText(d, src(schemaVersionColumn))} AS ${d.ident(rawSchemaVersion)}`] : []),
    ],
    cast: [`${finiteNumber(d, d.ident('source_prediction'), d.ident('raw_prediction'))} AS ${d.ident('logged_prediction')}`],
    from: d.table(tables.productionLog),
    where: d.timeWithin(src(cols.event_time), window.start, window.end),
  });
  const scored =
    `scored AS (\n  SELECT ${d.ident('record_id')}, ${d.ident('prediction')} FROM (\n    SELECT\n` +
    `      ${rawText(d, 's.' + d.ident('record_id'))} AS ${d.ident('record_id')},\n` +
    `      ${finiteNumber(d, 's.' + d.ident('prediction'), rawText(d, 's.' + d.ident('prediction')))} AS ${d.ident('prediction')},\n` +
    `      row_number() OVER (PARTITION BY s.${d.ident('record_id')} ORDER BY s.${d.ident('scored_at')} DESC, ` +
    `s.${d.ident('model_version')} DESC) AS ${d.ident('rn')}\n` +
    `    FROM ${d.table(tables.scoredPredictions)} AS s\n    WHERE s.${d.ident('model')} = ${d.string(contract.model)}\n` +
    `  ) ranked\n  WHERE ${d.ident('rn')} = 1\n)`;
  const w = (name: string): string => `w.${d.ident(name)}`;
  const { columns, valid } = contractColumns(d, contract, 'w');
  const source =
    `window_source AS (\n  SELECT\n` +
    [
      w('record_id'),
      w('event_time'),
      w('raw_event_time'),
      w('raw_prediction'),
      w('model_version'),
      ...(stamped ? [w(rawSchemaVersion)] : []),
      `coalesce(${w('logged_prediction')}, s.${d.ident('prediction')}) AS ${d.ident('prediction')}`,
      `(${w('logged_prediction')} IS NULL AND s.${d.ident('prediction')} IS NOT NULL) AS ${d.ident('prediction_from_scoring')}`,
      ...columns,
      `(${w('record_id')} IS NOT NULL AND ${valid}${stamped ? ` AND ${readableVersionCondition(d, contract, w(rawSchemaVersion))}` : ''}) AS ${d.ident('is_valid')}`,
      `${d.uniformHash(w('record_id'))} AS ${d.ident('sample_u')}`,
    ]
      .map((s) => `    ${s}`)
      .join(',\n') +
    `\n  FROM window_cast AS w\n  LEFT JOIN scored AS s ON s.${d.ident('record_id')} = ${w('record_id')}\n)`;
  return [rawCte, castCte, scored, source, rows].join(',\n');
}

/**
 * baseline_raw, baseline_cast and baseline_rows: the reference sample converted like the window,
 * keeping only valid rows (the baseline is not quarantined, its bad rows are left out).
 */
export function baselineRowsCte(input: MonitoringQueryInput): string {
  const checked = checkInput(input);
  const { dialect: d, contract, tables } = checked;
  const staged = checked.staged?.baselineRows;
  if (staged !== undefined) return `baseline_rows AS (\n  SELECT ${readStagedColumns(d, stagedBaselineColumns(contract))} FROM ${d.ident(staged)}\n)`;
  const cols = contract.columns;
  const src = (name: string): string => `src.${d.ident(name)}`;
  const reference = referenceSource(checked);
  // A training-window reference reads the production log: its rows carry a version when the log's do.
  const stamped = isStamped(checked, reference === undefined ? 'baseline' : 'productionLog');
  const [rawCte, castCte] = rawAndCastCtes(d, contract, 'baseline', {
    select: [
      `${d.parseTimestamp(src(cols.event_time))} AS ${d.ident('event_time')}`,
      ...(stamped ? [`${rawText(d, src(schemaVersionColumn))} AS ${d.ident(rawSchemaVersion)}`] : []),
      `${rawText(d, src(cols.prediction))} AS ${d.ident('raw_prediction')}`,
      `${src(cols.prediction)} AS ${d.ident('source_prediction')}`,
      `${rawText(d, src(cols.label))} AS ${d.ident('raw_label')}`,
      `${src(cols.label)} AS ${d.ident('source_label')}`,
    ],
    cast: [
      `${finiteNumber(d, d.ident('source_prediction'), d.ident('raw_prediction'))} AS ${d.ident('prediction')}`,
      `${finiteNumber(d, d.ident('source_label'), d.ident('raw_label'))} AS ${d.ident('label')}`,
    ],
    from: reference?.from ?? d.table(tables.baseline),
  });
  const { columns, valid } = contractColumns(d, contract, 'b');
  const b = (name: string): string => `b.${d.ident(name)}`;
  const rows =
    `baseline_rows AS (\n  SELECT\n` +
    [b('event_time'), b('prediction'), b('label'), ...columns].map((s) => `    ${s}`).join(',\n') +
    `\n  FROM baseline_cast AS b\n  WHERE ${valid}${stamped ? ` AND ${readableVersionCondition(d, contract, b(rawSchemaVersion))}` : ''}\n)`;
  return [...(reference === undefined ? [] : [reference.labels]), rawCte, castCte, rows].join(',\n');
}

/**
 * A training-window reference: the production rows of that window, with the contract's column
 * names, so baseline_raw reads them as it reads the baseline table. Every row of the window, not
 * only those labelled by the time the version was trained: delayed labels thin the newest days, and
 * a day-skewed sample would read as drift in anything that follows the calendar. Labels (as of the
 * training) are there for the rows that had one, which performance and bias use. The prediction is
 * the version's own where the pipeline wrote its scored training rows and the engine reads them
 * (the rows it was trained on; NULL for the others), else the one logged by the version that
 * served the row then. Undefined for the configured baseline.
 */
function referenceSource(input: CheckedInput): { labels: string; from: string } | undefined {
  const reference = input.reference;
  if (reference === undefined || reference.kind === 'baseline') return undefined;
  const { dialect: d, contract, tables } = input;
  const cols = contract.columns;
  const { start, end } = normaliseWindow(reference.window);
  const p = (name: string): string => `p.${d.ident(name)}`;
  // The version's own predictions where the pipeline wrote them and the engine reads files: only
  // the rows it was trained on (labelled, less a holdout share of the window) have one.
  const scored = reference.scoredRowsUri === undefined || d.readJsonLines === undefined ? undefined : d.readJsonLines(reference.scoredRowsUri, ['record_id', 'prediction']);
  const select = [
    `${p(cols.event_time)} AS ${d.ident(cols.event_time)}`,
    `${scored === undefined ? p(cols.prediction) : `sr.${d.ident('prediction')}`} AS ${d.ident(cols.prediction)}`,
    `rl.${d.ident('label')} AS ${d.ident(cols.label)}`,
    ...contract.features.map((f) => `${p(f.name)} AS ${d.ident(f.name)}`),
    ...(isStamped(input, 'productionLog') ? [`${p(schemaVersionColumn)} AS ${d.ident(schemaVersionColumn)}`] : []),
  ];
  const recordId = rawText(d, p(cols.record_id));
  const scoredJoin = scored === undefined ? '' : `    LEFT JOIN ${scored} AS sr ON sr.${d.ident('record_id')} = ${recordId}\n`;
  const from =
    `(
    SELECT ${select.join(', ')}
    FROM ${d.table(tables.productionLog)} AS p
` +
    `    LEFT JOIN reference_labels AS rl ON rl.${d.ident('record_id')} = ${recordId}
` +
    scoredJoin +
    `    WHERE ${d.timeWithin(p(cols.event_time), start, end)}
  )`;
  return { labels: labelsAsOfCte(input, reference.labelsAsOf, 'reference_labels'), from };
}

/**
 * labels_as_of: the latest finite label of each record with label_time <= asOf (on a tie in time,
 * the larger label, so the choice does not depend on scan order).
 */
export function labelsAsOfCte(input: MonitoringQueryInput, asOf: string, name = 'labels_as_of'): string {
  const { dialect: d, contract, tables, staged } = checkInput(input);
  const stagedLabels = staged?.labelsAsOf;
  if (stagedLabels !== undefined && isoUtc(stagedLabels.asOf, 'staged as-of time') === isoUtc(asOf, 'as-of time')) {
    return `${name} AS (\n  SELECT * FROM ${d.ident(stagedLabels.table)}\n)`;
  }
  const cols = contract.columns;
  const l = (name: string): string => `l.${d.ident(name)}`;
  const labelTime = d.parseTimestamp(l(cols.label_time));
  const label = finiteNumber(d, l(cols.label), rawText(d, l(cols.label)));
  return (
    `${name} AS (\n  SELECT ${d.ident('record_id')}, ${d.ident('label')} FROM (\n    SELECT\n` +
    `      ${rawText(d, l(cols.record_id))} AS ${d.ident('record_id')},\n` +
    `      ${label} AS ${d.ident('label')},\n` +
    `      row_number() OVER (PARTITION BY ${rawText(d, l(cols.record_id))} ORDER BY ${labelTime} DESC, ${label} DESC) AS ${d.ident('rn')}\n` +
    `    FROM ${d.table(tables.labels)} AS l\n` +
    `    WHERE ${labelTime} <= ${d.timestampLiteral(isoUtc(asOf, 'as-of time'))} AND ${label} IS NOT NULL\n` +
    `  ) ranked\n  WHERE ${d.ident('rn')} = 1\n)`
  );
}
