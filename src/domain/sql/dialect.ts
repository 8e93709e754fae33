// Every difference between DuckDB SQL (local mode) and Athena/Trino SQL (AWS mode) lives here; the
// query builders call these and never spell an engine-specific function themselves.
import {
  SqlBuildError,
  assertIdentifier,
  doubleLiteral,
  isoUtc,
  stringLiteral,
  tableNameParts,
} from './sql-text.js';
import { trinoDoubleText } from './trino-double-text.js';

export type DialectName = 'duckdb' | 'athena';
export type CastTarget = 'double' | 'bigint' | 'boolean' | 'varchar';
/** Column types of the result tables, in both engines. */
export type DdlType = 'text' | 'double' | 'bigint' | 'boolean';

export interface SqlDialect {
  readonly name: DialectName;
  /**
   * DuckDB's quantile_cont is exact (linear interpolation, as numpy's default). Athena has only
   * approx_percentile, so on Athena bin edges and p5/p50/p95 are approximate.
   */
  readonly exactQuantiles: boolean;
  /**
   * Whether a WITH query read by several parts of a statement is computed once (DuckDB keeps it)
   * or planned anew for each read (Trino re-reads and re-converts its tables every time, and each
   * read adds stages towards its limit of 150). Where it is not, rows per item come from one read
   * crossed with the items' positions (unpivot.ts).
   */
  readonly computesWithQueriesOnce: boolean;
  /** A quoted identifier for queries (both engines use double quotes in DML). */
  ident: (name: string) => string;
  /** A table reference, optionally schema-qualified ("db.table"). */
  table: (name: string) => string;
  string: (value: string) => string;
  double: (value: number) => string;
  /** NULL when the value does not convert. Boolean parsing is the same in both engines. */
  tryCast: (expr: string, target: CastTarget) => string;
  /** The text of a column with spaces trimmed off both ends, NULL when null or empty. */
  trimmedText: (expr: string) => string;
  /** True when the whole text matches the (RE2-compatible) pattern. */
  fullMatch: (expr: string, pattern: string) => string;
  /** False for NaN and ±Infinity, which would poison every statistic. */
  isFinite: (expr: string) => string;
  /**
   * Where the engine knows a column's type when it plans a query, reads a number from a column
   * already holding numbers without the trip through text (formatting and parsing it back is most
   * of a conversion's cost); the text path decides for any other column. `whenNumeric` is an
   * expression over the source column, `fromText` the text path's. Both answer the same: a finite
   * DOUBLE or an integer is exactly what its text parses back to. Athena takes the text path.
   */
  whenNumericColumn: (source: string, whenNumeric: string, fromText: string) => string;
  /** A timestamp column or ISO-8601 text to a UTC instant comparable with timestampLiteral. */
  parseTimestamp: (expr: string) => string;
  /** An ISO-8601 instant as a literal of the type parseTimestamp returns. */
  timestampLiteral: (iso: string) => string;
  /**
   * A parsed timestamp as a staged table's column keeps it, and that column read back as a parsed
   * timestamp again. Athena writes staged tables as Parquet, which holds no zone: the instant is
   * kept as its UTC wall time. DuckDB keeps the value as it is.
   */
  storedTimestamp: (parsedExpr: string) => string;
  readStoredTimestamp: (storedExpr: string) => string;
  /**
   * Whether a source's timestamp column (or ISO text) falls in [start, end): parseTimestamp(expr)
   * against both instants, or, where the engine can compare the column as it is, the same answer
   * without converting each value (and a filter the scan can use to skip data).
   */
  timeWithin: (expr: string, start: string, end: string) => string;
  /** ISO day of week of a parsed timestamp: Monday = 1 ... Sunday = 7 (in UTC). */
  isoDayOfWeek: (timestampExpr: string) => string;
  quantile: (expr: string, q: number) => string;
  /** An estimate of the number of distinct non-null values (HyperLogLog in both engines). */
  approxDistinct: (expr: string) => string;
  stddevSamp: (expr: string) => string;
  /**
   * A deterministic number in [0, 1) from a record id, for sampling: the first 32 bits of the
   * MD5 of the id's text. Both engines compute the same value, so they keep the same rows; the
   * local tests verify DuckDB only.
   */
  uniformHash: (expr: string) => string;
  /**
   * An aggregate over rows: a text that changes when any of the expressions' values of any row
   * changes, whatever the rows' order (a repeated row counts twice). For telling whether staged
   * rows are those an earlier analysis read; texts of the two engines are not comparable.
   */
  rowsFingerprint: (exprs: readonly string[]) => string;
  /** A JSON object as text from (key, varchar expression) pairs; NULL values become JSON null. */
  jsonObject: (entries: readonly (readonly [string, string])[]) => string;
  /** A top-level string member of a JSON text, or NULL (missing member, NULL text). */
  jsonText: (expr: string, key: string) => string;
  /** Identifier quoting in DDL (Athena DDL is Hive syntax: backticks). */
  ddlIdent: (name: string) => string;
  ddlType: (type: DdlType) => string;
  /**
   * A table of a JSON-lines file with every named column as text, where the engine reads files
   * (DuckDB); Athena reads only tables, so it has none.
   */
  readJsonLines?: (path: string, columns: readonly string[]) => string;
}

// The spellings src/domain/model/coerce.ts accepts, so SQL and the scoring path agree.
const trueWords = ['true', '1', 'yes'];
const falseWords = ['false', '0', 'no'];

/** The engines accept different boolean spellings; this explicit mapping makes them agree. */
function portableBoolean(expr: string): string {
  const text = `lower(trim(CAST(${expr} AS VARCHAR)))`;
  const list = (words: string[]): string => words.map(stringLiteral).join(', ');
  return `(CASE WHEN ${text} IN (${list(trueWords)}) THEN TRUE WHEN ${text} IN (${list(falseWords)}) THEN FALSE END)`;
}

function quoteDouble(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function checkQuantile(q: number): string {
  if (!(q >= 0 && q <= 1)) throw new SqlBuildError(`quantile ${q} is outside [0, 1]`);
  return String(q);
}

function sqlCastType(target: Exclude<CastTarget, 'boolean'>): string {
  return { double: 'DOUBLE', bigint: 'BIGINT', varchar: 'VARCHAR' }[target];
}

const twoTo32 = '4.294967296e9';

// DuckDB folds typeof() while planning, so only one branch is ever run. FLOAT and DECIMAL are not
// here: their text ("0.1") parses to a DOUBLE other than their own value cast to DOUBLE.
const exactDoubleTypes = ['DOUBLE', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT'];

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  exactQuantiles: true,
  computesWithQueriesOnce: true,
  ident: quoteDouble,
  table: (name) => tableNameParts(name).map(quoteDouble).join('.'),
  string: stringLiteral,
  double: doubleLiteral,
  tryCast: (expr, target) => (target === 'boolean' ? portableBoolean(expr) : `TRY_CAST(${expr} AS ${sqlCastType(target)})`),
  // trim() copies every string; most need no trimming, and a LIKE on their ends is cheap. Only a
  // text column can have spaces there (typeof folds while planning, as below).
  trimmedText: (expr) => {
    const text = `TRY_CAST(${expr} AS VARCHAR)`;
    const guarded = `(CASE WHEN ${text} LIKE ' %' OR ${text} LIKE '% ' THEN trim(${text}) ELSE ${text} END)`;
    return `(CASE WHEN typeof(${expr}) = 'VARCHAR' THEN NULLIF(${guarded}, '') ELSE NULLIF(trim(${text}), '') END)`;
  },
  fullMatch: (expr, pattern) => `regexp_full_match(${expr}, ${stringLiteral(pattern)})`,
  isFinite: (expr) => `isfinite(${expr})`,
  whenNumericColumn: (source, whenNumeric, fromText) =>
    `(CASE WHEN typeof(${source}) IN (${exactDoubleTypes.map(stringLiteral).join(', ')}) THEN ${whenNumeric} ELSE ${fromText} END)`,
  // TIMESTAMPTZ parsing honours a zone offset in the text; a zone-less TIMESTAMP column is read in
  // the session time zone, which the DuckDB adapter pins to UTC, so it is its own value: taken as
  // it is (typeof() is folded while planning), a window's time filter reaches the scan itself.
  // (The cast is a no-op where the branch is taken; it lets other types bind.)
  parseTimestamp: (expr) =>
    `(CASE WHEN typeof(${expr}) = 'TIMESTAMP' THEN TRY_CAST(${expr} AS TIMESTAMP) ELSE timezone('UTC', TRY_CAST(${expr} AS TIMESTAMPTZ)) END)`,
  timestampLiteral: (iso) => `TIMESTAMP ${stringLiteral(isoUtc(iso).replace('T', ' ').replace('Z', ''))}`,
  storedTimestamp: (expr) => expr,
  readStoredTimestamp: (expr) => expr,
  // An instant is in UTC whatever zone a TIMESTAMPTZ shows it in, so the column compares as it is.
  timeWithin: (expr, start, end) => {
    const instant = (iso: string): string => `TIMESTAMPTZ ${stringLiteral(isoUtc(iso).replace('T', ' ').replace('Z', '+00'))}`;
    const parsed = duckdbDialect.parseTimestamp(expr);
    return (
      `(CASE WHEN typeof(${expr}) = 'TIMESTAMP WITH TIME ZONE' THEN TRY_CAST(${expr} AS TIMESTAMPTZ) >= ${instant(start)} AND TRY_CAST(${expr} AS TIMESTAMPTZ) < ${instant(end)}` +
      ` ELSE ${parsed} >= ${duckdbDialect.timestampLiteral(start)} AND ${parsed} < ${duckdbDialect.timestampLiteral(end)} END)`
    );
  },
  isoDayOfWeek: (ts) => `isodow(${ts})`,
  quantile: (expr, q) => `quantile_cont(${expr}, ${checkQuantile(q)})`,
  approxDistinct: (expr) => `approx_count_distinct(${expr})`,
  stddevSamp: (expr) => `stddev_samp(${expr})`,
  // A sum, not an xor, of the row hashes: two equal rows would cancel out of an xor.
  rowsFingerprint: (exprs) => `CAST(sum(CAST(hash(${exprs.join(', ')}) AS HUGEINT)) AS VARCHAR)`,
  uniformHash: (expr) =>
    `(CAST(CAST('0x' || substr(md5(CAST(${expr} AS VARCHAR)), 1, 8) AS BIGINT) AS DOUBLE) / ${twoTo32})`,
  jsonObject: (entries) =>
    `CAST(json_object(${entries.map(([key, value]) => `${stringLiteral(key)}, ${value}`).join(', ')}) AS VARCHAR)`,
  jsonText: (expr, key) => `json_extract_string(${expr}, ${stringLiteral(`$.${assertIdentifier(key, 'JSON member')}`)})`,
  ddlIdent: quoteDouble,
  ddlType: (type) => ({ text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN' })[type],
  readJsonLines: (path, columns) =>
    `read_json(${stringLiteral(path)}, format = 'newline_delimited', columns = {${columns.map((name) => `${stringLiteral(name)}: 'VARCHAR'`).join(', ')}})`,
};

export const athenaDialect: SqlDialect = {
  name: 'athena',
  exactQuantiles: false,
  computesWithQueriesOnce: false,
  ident: quoteDouble,
  table: (name) => tableNameParts(name).map(quoteDouble).join('.'),
  string: stringLiteral,
  double: doubleLiteral,
  tryCast: (expr, target) => (target === 'boolean' ? portableBoolean(expr) : `TRY_CAST(${expr} AS ${sqlCastType(target)})`),
  // A DOUBLE column's text as DuckDB writes it (Trino's own cast writes "4.17E1"); typeof is
  // Trino's, and a DOUBLE's text needs no trimming.
  trimmedText: (expr) =>
    `(CASE WHEN typeof(${expr}) = 'double' THEN ${trinoDoubleText(expr)} ELSE NULLIF(trim(TRY_CAST(${expr} AS VARCHAR)), '') END)`,
  fullMatch: (expr, pattern) => `regexp_like(${expr}, ${stringLiteral(`^(?:${pattern})$`)})`,
  isFinite: (expr) => `is_finite(${expr})`,
  whenNumericColumn: (_source, _whenNumeric, fromText) => fromText,
  // ISO text with a zone goes through from_iso8601_timestamp; a TIMESTAMP column (or zone-less
  // text) is taken as UTC. Both branches end as a timestamp with time zone in UTC.
  parseTimestamp: (expr) => {
    const text = `CAST(${expr} AS VARCHAR)`;
    return (
      `coalesce(try(from_iso8601_timestamp(${text}) AT TIME ZONE 'UTC'), ` +
      `try(with_timezone(CAST(${text} AS TIMESTAMP), 'UTC')))`
    );
  },
  timestampLiteral: (iso) => `from_iso8601_timestamp(${stringLiteral(isoUtc(iso))})`,
  storedTimestamp: (expr) => `CAST(${expr} AT TIME ZONE 'UTC' AS TIMESTAMP)`,
  readStoredTimestamp: (expr) => `with_timezone(${expr}, 'UTC')`,
  timeWithin: (expr, start, end) => {
    const parsed = athenaDialect.parseTimestamp(expr);
    return `(${parsed} >= ${athenaDialect.timestampLiteral(start)} AND ${parsed} < ${athenaDialect.timestampLiteral(end)})`;
  },
  isoDayOfWeek: (ts) => `day_of_week(${ts})`,
  quantile: (expr, q) => `approx_percentile(${expr}, ${checkQuantile(q)})`,
  approxDistinct: (expr) => `approx_distinct(${expr})`,
  stddevSamp: (expr) => `stddev_samp(${expr})`,
  // Trino's checksum is order-insensitive and counts a repeated row again.
  rowsFingerprint: (exprs) => `to_hex(checksum(ROW(${exprs.join(', ')})))`,
  uniformHash: (expr) =>
    `(CAST(from_base(substr(to_hex(md5(to_utf8(CAST(${expr} AS VARCHAR)))), 1, 8), 16) AS DOUBLE) / ${twoTo32})`,
  // CAST(MAP AS JSON) (and json_object) sort the keys, where DuckDB keeps them in the order given;
  // one single-key map per entry, its braces cut off and the members joined, keeps that order.
  jsonObject: (entries) => {
    const members = entries.map(([key, value]) => {
      const one = `json_format(CAST(MAP(ARRAY[${stringLiteral(key)}], ARRAY[CAST(${value} AS VARCHAR)]) AS JSON))`;
      return `substr(${one}, 2, length(${one}) - 2)`;
    });
    return `('{' || ${members.length === 0 ? "''" : members.join(" || ',' || ")} || '}')`;
  },
  jsonText: (expr, key) => `json_extract_scalar(${expr}, ${stringLiteral(`$.${assertIdentifier(key, 'JSON member')}`)})`,
  ddlIdent: (name) => `\`${assertIdentifier(name, 'column')}\``,
  ddlType: (type) => ({ text: 'string', double: 'double', bigint: 'bigint', boolean: 'boolean' })[type],
};

export function dialectFor(name: DialectName): SqlDialect {
  return name === 'duckdb' ? duckdbDialect : athenaDialect;
}
