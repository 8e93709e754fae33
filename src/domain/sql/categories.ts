// Category frequencies per categorical feature in the baseline and the window's valid rows, over
// the union of both samples' categories. Boolean features are counted as 'true'/'false'.
import { type Row } from './row.js';
import { type AlignedCategoryCounts, alignCategoryCounts } from '../stats/categorical-drift.js';
import { countCell, decodeRows, textCell } from './decode.js';
import {
  type BuiltQuery,
  type MonitoringQueryInput,
  categoricalFeatures,
  checkInput,
  featureColumn as fc,
  withCtes,
} from './query-input.js';
import { baselineRowsCte, windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export function categoryCountsSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const features = categoricalFeatures(checked.contract);
  if (features.length === 0) throw new SqlBuildError(`contract of ${checked.contract.model} has no categorical features`);
  const selects = features.flatMap((feature) => {
    const column = id(fc.value(feature.name));
    const category = feature.type === 'bool' ? `(CASE WHEN ${column} THEN 'true' ELSE 'false' END)` : column;
    return [
      `  SELECT ${d.string(feature.name)} AS ${id('subject')}, 'b' AS ${id('side')}, ${category} AS ${id('category')}\n` +
        `  FROM baseline_rows WHERE ${column} IS NOT NULL`,
      `  SELECT ${d.string(feature.name)}, 'c', ${category}\n  FROM window_rows WHERE ${id('is_valid')} AND ${column} IS NOT NULL`,
    ];
  });
  const count = (side: string): string => `coalesce(sum(CASE WHEN ${id('side')} = '${side}' THEN 1 ELSE 0 END), 0)`;
  const ctes = [windowRowsCte(checked), baselineRowsCte(checked), `category_values AS (\n${selects.join('\n  UNION ALL\n')}\n)`];
  const body =
    `SELECT ${id('subject')}, ${id('category')}, ${count('b')} AS ${id('baseline_count')}, ${count('c')} AS ${id('current_count')}\n` +
    `FROM category_values\nGROUP BY ${id('subject')}, ${id('category')}\nORDER BY ${id('subject')}, ${id('category')}`;
  return { sql: withCtes(ctes, body), label: `categories:${checked.contract.model}` };
}

/** Aligned counts per feature (categories sorted by UTF-16 code units, as the stats module does). */
export function decodeCategoryCounts(rows: readonly Row[]): Map<string, AlignedCategoryCounts> {
  const bySubject = new Map<string, { baseline: Map<string, number>; current: Map<string, number> }>();
  decodeRows(rows, 'categories', (row, at) => {
    const subject = textCell(row, 'subject', at);
    const category = textCell(row, 'category', at);
    const entry = bySubject.get(subject) ?? { baseline: new Map<string, number>(), current: new Map<string, number>() };
    bySubject.set(subject, entry);
    const baseline = countCell(row, 'baseline_count', at);
    const current = countCell(row, 'current_count', at);
    if (baseline > 0) entry.baseline.set(category, baseline);
    if (current > 0) entry.current.set(category, current);
  });
  return new Map([...bySubject].map(([subject, counts]) => [subject, alignCategoryCounts(counts.baseline, counts.current)]));
}
