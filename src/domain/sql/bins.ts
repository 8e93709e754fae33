// Binned distributions for PSI and Jensen-Shannon: baseline quantiles at i/B become the bin edges
// (deduplicated in Node by binEdgesFromQuantiles), then both samples are counted per bin, where a
// value's bin is the number of edges strictly below it: (-inf, e1], (e1, e2], ..., (e_last, +inf).
import { byPosition, crossWithPositions } from './unpivot.js';
import { type Row } from './row.js';
import { binEdgesFromQuantiles, edgeProbabilities } from '../stats/bins.js';
import { type SqlDialect } from './dialect.js';
import { RowDecodeError, countCell, decodeRows, nullableNumber, textCell } from './decode.js';
import {
  type BuiltQuery,
  type MonitoringQueryInput,
  type NumericSubject,
  checkInput,
  numericSubjects,
  withCtes,
} from './query-input.js';
import { baselineRowsCte, windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export const defaultBins = 10;

export interface BaselineQuantiles {
  subject: string;
  /** Non-null baseline values the quantiles come from. */
  n: number;
  /** Quantiles at i/B, i = 1..B-1; null when the baseline has no values. */
  quantiles: (number | null)[];
}

export interface BinCounts {
  edges: number[];
  /** edges.length + 1 counts each. */
  baseline: number[];
  current: number[];
}

const quantileColumn = (index: number): string => `q_${index + 1}`;

/** One row per numeric subject: the baseline quantiles at i/B (exact in DuckDB, approximate on Athena). */
export function baselineQuantilesSql(input: MonitoringQueryInput, bins = defaultBins): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const probabilities = edgeProbabilities(bins);
  const body = numericSubjects(checked.contract)
    .map(({ subject, column }) =>
      [
        `SELECT`,
        `  ${d.string(subject)} AS ${d.ident('subject')},`,
        `  count(${d.ident(column)}) AS ${d.ident('n')},`,
        probabilities
          .map((p, index) => `  ${d.quantile(d.ident(column), p)} AS ${d.ident(quantileColumn(index))}`)
          .join(',\n'),
        `FROM baseline_rows`,
      ].join('\n'),
    )
    .join('\nUNION ALL\n');
  return { sql: withCtes([baselineRowsCte(checked)], body), label: `bin-edges:${checked.contract.model}` };
}

export function decodeBaselineQuantiles(rows: readonly Row[], bins = defaultBins): BaselineQuantiles[] {
  const count = edgeProbabilities(bins).length;
  return decodeRows(rows, 'bin-edges', (row, at) => ({
    subject: textCell(row, 'subject', at),
    n: countCell(row, 'n', at),
    quantiles: Array.from({ length: count }, (_, index) => nullableNumber(row, quantileColumn(index), at)),
  }));
}

/** Edges per subject from decoded quantiles; a subject without baseline values gets no edges (one bin). */
export function edgesFromQuantiles(quantiles: readonly BaselineQuantiles[]): Map<string, number[]> {
  return new Map(
    quantiles.map((q) => [q.subject, binEdgesFromQuantiles(q.quantiles.filter((v): v is number => v !== null))]),
  );
}

/**
 * The bin of a value over sorted edges, as a balanced tree of comparisons: each level halves the
 * bins left, so a value takes about log2(B) comparisons instead of one per edge (the bench
 * window's bin counts: 0.84 -> 0.57 CPU s). NULL compares false everywhere and lands in bin 0,
 * as before; the counted rows have no NULLs.
 */
function binExpression(d: SqlDialect, column: string, edges: readonly number[]): string {
  const value = d.ident(column);
  // `low`..`high`: the bins still possible; bin k holds values above k edges.
  const between = (low: number, high: number): string => {
    if (low === high) return String(low);
    const middle = Math.ceil((low + high) / 2);
    return `CASE WHEN ${value} > ${d.double(edges[middle - 1] ?? 0)} THEN ${between(middle, high)} ELSE ${between(low, middle - 1)} END`;
  };
  return between(0, edges.length);
}

function checkedEdges(subjects: readonly NumericSubject[], edges: ReadonlyMap<string, readonly number[]>): NumericSubject[] {
  const known = new Map(subjects.map((s) => [s.subject, s]));
  return [...edges.keys()].map((subject) => {
    const found = known.get(subject);
    if (found === undefined) throw new SqlBuildError(`bin edges given for "${subject}", which is not a numeric feature or the prediction`);
    return found;
  });
}

/** Counts per (subject, bin) for the baseline and the window's valid rows, over the given edges. */
export function binCountsSql(input: MonitoringQueryInput, edges: ReadonlyMap<string, readonly number[]>): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const subjects = checkedEdges(numericSubjects(checked.contract), edges);
  if (subjects.length === 0) throw new SqlBuildError('bin counts need edges for at least one subject');
  // Counted per (subject's position, side) on the bin, then put together by position: grouping
  // on the subject's text made one large hash table of it. Where the engine reads window_rows once
  // whatever the number of reads, a SELECT per subject counts fastest (DuckDB: 0.43 s for the bench
  // window against 0.7 s crossed with the positions); otherwise each side is read once (unpivot.ts).
  const positions = subjects.map((_, position) => position);
  const binOf = ({ subject, column }: NumericSubject): string => binExpression(d, column, binEdgesFromQuantiles(edges.get(subject) ?? []));
  const counts = (side: 'b' | 'c'): string => (side === 'b' ? `count(*) AS ${id('nb')}, 0 AS ${id('nc')}` : `0 AS ${id('nb')}, count(*) AS ${id('nc')}`);
  const counted = (rows: string, where: string, side: 'b' | 'c'): string => {
    if (d.computesWithQueriesOnce) {
      return subjects
        .map((subject, position) => `  SELECT ${position} AS ${id('position')}, ${binOf(subject)} AS ${id('bin')}, ${counts(side)}\n  FROM ${rows} WHERE ${where}${id(subject.column)} IS NOT NULL\n  GROUP BY 1, 2`)
        .join('\n  UNION ALL\n');
    }
    const pick = (expr: (subject: NumericSubject) => string): string => byPosition(d, subjects.map((subject, position) => [position, expr(subject)]));
    return (
      `  SELECT p.${id('position')} AS ${id('position')}, ${pick(binOf)} AS ${id('bin')}, ${counts(side)}\n` +
      `  FROM ${rows} ${crossWithPositions(d, positions)}\n  WHERE ${where}${pick(({ column }) => `${id(column)} IS NOT NULL`)}\n  GROUP BY 1, 2`
    );
  };
  const ctes = [
    windowRowsCte(checked),
    baselineRowsCte(checked),
    `binned AS (\n${counted('baseline_rows', '', 'b')}\n  UNION ALL\n${counted('window_rows', `${id('is_valid')} AND `, 'c')}\n)`,
  ];
  const subjectText = byPosition(d, subjects.map(({ subject }, position) => [position, d.string(subject)]), 'binned');
  const body =
    `SELECT ${subjectText} AS ${id('subject')}, ${id('bin')}, sum(${id('nb')}) AS ${id('baseline_count')}, sum(${id('nc')}) AS ${id('current_count')}\n` +
    `FROM binned\nGROUP BY 1, ${id('bin')}\nORDER BY 1, ${id('bin')}`;
  return { sql: withCtes(ctes, body), label: `bin-counts:${checked.contract.model}` };
}

/** Per-subject counts aligned to the edges (bins nobody fell in are 0). */
export function decodeBinCounts(
  rows: readonly Row[],
  edges: ReadonlyMap<string, readonly number[]>,
): Map<string, BinCounts> {
  const result = new Map<string, BinCounts>();
  for (const [subject, raw] of edges) {
    const deduped = binEdgesFromQuantiles(raw);
    const size = deduped.length + 1;
    result.set(subject, { edges: deduped, baseline: new Array<number>(size).fill(0), current: new Array<number>(size).fill(0) });
  }
  decodeRows(rows, 'bin-counts', (row, at) => {
    const subject = textCell(row, 'subject', at);
    const bin = countCell(row, 'bin', at);
    const target = result.get(subject);
    if (target === undefined || bin >= target.baseline.length) {
      throw new RowDecodeError(`${at.label} row ${at.index}: bin ${bin} of "${subject}" matches no requested edges`);
    }
    target.baseline[bin] = countCell(row, 'baseline_count', at);
    target.current[bin] = countCell(row, 'current_count', at);
  });
  return result;
}
