// Trino's CAST(DOUBLE AS VARCHAR) always writes scientific notation ("4.17E1"), where DuckDB writes
// "41.7"; the quarantine keeps the text of each raw value, so Athena should write DuckDB's.
// format('%s') gives Java's shortest round-trip text, which is DuckDB's for 1e-3 <= |x| < 1e7 (see
// duckdbDoubleText in src/domain/contract/record-text.ts); NaN and the infinities are renamed.
// Outside that range it stays "1.5E7" (DuckDB: "15000000.0"): rebuilding DuckDB's text there took
// ~2.5 KB of SQL per column, which would push a wide contract's queries past Athena's 256 KB.
import { stringLiteral } from './sql-text.js';

/** A Trino expression: the text of the DOUBLE `expr`, DuckDB's for 1e-3 <= |x| < 1e7 (NULL for NULL). */
export function trinoDoubleText(expr: string): string {
  const java = `format('%s', ${expr})`;
  const renamed = [['NaN', 'nan'], ['Infinity', 'inf'], ['-Infinity', '-inf']].map(([from, to]) => `WHEN ${stringLiteral(from ?? '')} THEN ${stringLiteral(to ?? '')}`);
  return `(CASE WHEN ${expr} IS NULL THEN NULL ELSE (CASE ${java} ${renamed.join(' ')} ELSE ${java} END) END)`;
}
