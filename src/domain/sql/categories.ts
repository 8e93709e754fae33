// Category frequencies per counted feature (categories, booleans as 'true'/'false', calendar
// features as their values' text) in the baseline and the window's valid rows, over the union of
// both samples' categories. Calendar features also count the distinct days each value occurs on.
import type { FeatureContract } from '../contract/contract.js';
import { type Row } from './row.js';
import { type AlignedCategoryCounts, alignCategoryCounts } from '../stats/categorical-drift.js';
import { calendarNormalisedCounts, type DayCounts } from '../stats/calendar-counts.js';
import { countCell, decodeRows, textCell } from './decode.js';
import {
  type BuiltQuery,
  type MonitoringQueryInput,
  checkInput,
  countedFeatures,
  featureColumn as fc,
  withCtes,
} from './query-input.js';
import { byPosition, crossWithPositions } from './unpivot.js';
import { baselineRowsCte, windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export function categoryCountsSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const features = countedFeatures(checked.contract);
  if (features.length === 0) throw new SqlBuildError(`contract of ${checked.contract.model} has no categorical features`);
  const withDays = features.some((feature) => feature.calendar !== undefined);
  // Each side read once, a row per feature (see unpivot.ts).
  const positions = features.map((_, position) => position);
  const pick = (expr: (feature: (typeof features)[number]) => string): string => byPosition(d, features.map((feature, position) => [position, expr(feature)]));
  const column = (feature: (typeof features)[number]): string => id(fc.value(feature.name));
  // Int values are whole (the quarantine sees to it) but the rows carry them as DOUBLE: '3', not '3.0'.
  const category = pick((feature) =>
    feature.type === 'bool'
      ? `(CASE WHEN ${column(feature)} THEN 'true' ELSE 'false' END)`
      : feature.type === 'int'
        ? `CAST(CAST(${column(feature)} AS BIGINT) AS VARCHAR)`
        : `CAST(${column(feature)} AS VARCHAR)`,
  );
  // Both engines cast a timestamp to its (UTC) date the same way.
  const day = pick((feature) => (feature.calendar === undefined ? 'CAST(NULL AS DATE)' : `CAST(${id('event_time')} AS DATE)`));
  const present = pick((feature) => `${column(feature)} IS NOT NULL`);
  const side = (rows: string, name: 'b' | 'c', where: string): string =>
    `  SELECT ${pick((feature) => d.string(feature.name))} AS ${id('subject')}, '${name}' AS ${id('side')}, ${category} AS ${id('category')}` +
    `${withDays ? `, ${day} AS ${id('day')}` : ''}\n  FROM ${rows} ${crossWithPositions(d, positions)}\n  WHERE ${where}${present}`;
  const selects = [side('baseline_rows', 'b', ''), side('window_rows', 'c', `${id('is_valid')} AND `)];
  const count = (side: string): string => `coalesce(sum(CASE WHEN ${id('side')} = '${side}' THEN 1 ELSE 0 END), 0)`;
  const days = (side: string): string =>
    withDays ? `count(DISTINCT CASE WHEN ${id('side')} = '${side}' THEN ${id('day')} END)` : '0';
  const ctes = [windowRowsCte(checked), baselineRowsCte(checked), `category_values AS (\n${selects.join('\n  UNION ALL\n')}\n)`];
  const body =
    `SELECT ${id('subject')}, ${id('category')}, ${count('b')} AS ${id('baseline_count')}, ${count('c')} AS ${id('current_count')},\n` +
    `  ${days('b')} AS ${id('baseline_days')}, ${days('c')} AS ${id('current_days')}\n` +
    `FROM category_values\nGROUP BY ${id('subject')}, ${id('category')}\nORDER BY ${id('subject')}, ${id('category')}`;
  return { sql: withCtes(ctes, body), label: `categories:${checked.contract.model}` };
}

/**
 * Aligned counts per feature (categories sorted by UTF-16 code units, as the stats module does).
 * A calendar feature's counts are first turned into rows per day of each value (see calendar-counts).
 */
export function decodeCategoryCounts(rows: readonly Row[], contract: FeatureContract): Map<string, AlignedCategoryCounts> {
  const calendar = new Set(contract.features.filter((feature) => feature.calendar !== undefined).map((feature) => feature.name));
  const bySubject = new Map<string, DayCounts[]>();
  decodeRows(rows, 'categories', (row, at) => {
    const subject = textCell(row, 'subject', at);
    const entries = bySubject.get(subject) ?? [];
    bySubject.set(subject, entries);
    entries.push({
      category: textCell(row, 'category', at),
      baseline: countCell(row, 'baseline_count', at),
      current: countCell(row, 'current_count', at),
      baselineDays: countCell(row, 'baseline_days', at),
      currentDays: countCell(row, 'current_days', at),
    });
  });
  return new Map(
    [...bySubject].map(([subject, entries]) => {
      if (calendar.has(subject)) return [subject, calendarNormalisedCounts(entries)];
      const side = (pick: (entry: DayCounts) => number) =>
        new Map(entries.filter((entry) => pick(entry) > 0).map((entry) => [entry.category, pick(entry)]));
      return [subject, alignCategoryCounts(side((e) => e.baseline), side((e) => e.current))];
    }),
  );
}
