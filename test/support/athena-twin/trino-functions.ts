// Test infrastructure only: DuckDB macros named after the Trino functions Vigil's Athena dialect
// uses (src/domain/sql/dialect.ts), so the Athena text itself can run on DuckDB. moto stores
// queries but runs none; with these, a test answers each Athena query by executing it on the same
// data. A macro shadows DuckDB's built-in of the same name (to_hex), which is what makes
// `to_hex(md5(to_utf8(x)))` mean the same as in Trino: DuckDB's md5 already returns hex text.
//
// approx_percentile becomes the exact quantile_cont: Athena's answer is an approximation of it.
export const trinoFunctionMacros: readonly string[] = [
  `CREATE OR REPLACE MACRO regexp_like(text, pattern) AS regexp_matches(text, pattern)`,
  `CREATE OR REPLACE MACRO is_finite(x) AS isfinite(x)`,
  // Trino returns a timestamp with time zone; `AT TIME ZONE 'UTC'` then yields DuckDB's UTC wall time.
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO with_timezone(ts, zone) AS CAST(ts AS TIMESTAMP)`,
  `CREATE OR REPLACE MACRO day_of_week(ts) AS isodow(ts)`,
  `CREATE OR REPLACE MACRO approx_percentile(x, q) AS quantile_cont(x, q)`,
  `CREATE OR REPLACE MACRO to_utf8(text) AS text`,
  `CREATE OR REPLACE MACRO to_hex(hex) AS hex`,
  `CREATE OR REPLACE MACRO from_base(text, radix) AS CAST(('0x' || text) AS BIGINT)`,
  `CREATE OR REPLACE MACRO json_format(json) AS CAST(json AS VARCHAR)`,
  `CREATE OR REPLACE MACRO json_extract_scalar(json, path) AS json_extract_string(json, path)`,
  // An aggregate, as Trino's: an order-insensitive sum of the rows' hashes, as text (to_hex keeps it).
  `CREATE OR REPLACE MACRO checksum(r) AS CAST(sum(CAST(hash(r) AS HUGEINT)) AS VARCHAR)`,
];
