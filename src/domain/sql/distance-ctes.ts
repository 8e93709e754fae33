// The CTEs of one subject's distance query (see numericDistanceSql): exact KS, Wasserstein-1 and
// quantiles of two samples from a bucketed count of their values, sorting only the buckets whose
// order matters.
//
// Both ECDFs only move at values, so everything is known from the points where they move: at a
// value v, cb and cc count the baseline and window values <= v; KS is the largest |cb/n - cc/m|
// over them, W1 sums that gap x (next value - v), and a side's value of rank k is the least v
// whose count reaches k. Quantiles are quantile_cont's, as DuckDB and numpy define them: h =
// (count - 1) p, the values of rank floor(h) + 1 and ceil(h) + 1 interpolated linearly.
//
// Sorting every value to find those points costs most of an analysis, so the values are counted
// into buckets of equal width first (one grouped pass: per bucket the counts, least and greatest
// value, and the sums of (value - bucket start) per side). Buckets are in value order, so running
// counts over them give cb and cc before and after each bucket exactly. A bucket of one distinct
// value is a point already. Inside a bucket of several values, the gap D = Fb - Fc starts at d0
// and stays within [d0 - nc/m, d0 + nb/n]; when that range keeps one sign, the integral of |D|
// over the bucket is |integral of D|, which its sums give exactly: (hi - lo) d0 + (nb (hi - ref) -
// sb)/n - (nc (hi - ref) - sc)/m. When its bound on |D| stays below the largest gap at a bucket
// end, it cannot hold the KS maximum. Only buckets that fail either test, or hold a quantile's
// rank, are sorted, their values' counts offset by the counts before them. The answers are the
// same whatever the buckets: KS and the quantiles to the bit, W1 to rounding.
import { type SqlDialect } from './dialect.js';
import { type NumericSubject } from './query-input.js';

/** One quantile of one side: the ranks to read, from that side's count. */
export interface QuantileSpec {
  /** Column name of the result. */
  name: string;
  p: number;
  /** 'cc' (window) or 'cb' (baseline): the running count of that side. */
  running: 'cc' | 'cb';
  /** 'm' (window) or 'n' (baseline): that side's count. */
  count: 'm' | 'n';
}

/** Bucket counts when not given: about 16 values a bucket, a power of two within [64, 65536]. */
const minBuckets = 64;
const maxBuckets = 65536;
const valuesPerBucket = 16;
/** The bucket range spans the values, clipped to centre +- this many spreads so outliers do not stretch it. */
const spreadsCovered = 6;
/** Slack on the KS bound, far above rounding and far below any difference that matters. */
const boundSlack = 1e-12;

/** What every part of one subject's query shares: its names and expression helpers. */
class SubjectSql {
  readonly id: (name: string) => string;
  readonly names: Record<'values' | 'totals' | 'bucketed' | 'counted' | 'bounds' | 'marked' | 'exact' | 'exactPoints' | 'points' | 'sums' | 'ranked' | 'result', string>;

  constructor(
    readonly d: SqlDialect,
    readonly subject: NumericSubject,
    index: number,
    readonly quantiles: readonly QuantileSpec[],
    readonly buckets: number | undefined,
  ) {
    this.id = d.ident;
    const name = (part: string): string => `distance_${part}_${index}`;
    this.names = {
      values: name('values'),
      totals: name('totals'),
      bucketed: name('bucketed'),
      counted: name('counted'),
      bounds: name('bounds'),
      marked: name('marked'),
      exact: name('exact'),
      exactPoints: name('exact_points'),
      points: name('points'),
      sums: name('sums'),
      ranked: name('ranked'),
      result: name('result'),
    };
  }

  dbl(expr: string): string {
    return `CAST(${expr} AS DOUBLE)`;
  }

  /** A running total in `key` order; ROWS, since keys are distinct or ties are resolved elsewhere. */
  running(key: string): string {
    return `OVER (ORDER BY ${this.id(key)} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  }

  // Over at least 1: an empty side leaves every figure finite (its statistics are then withheld).
  perN(expr: string): string {
    return `${this.dbl(expr)} / greatest(t.${this.id('n')}, 1)`;
  }

  perM(expr: string): string {
    return `${this.dbl(expr)} / greatest(t.${this.id('m')}, 1)`;
  }

  gap(cb: string, cc: string): string {
    return `abs(${this.perN(cb)} - ${this.perM(cc)})`;
  }

  /** The ends of every quantile's rank interval, as columns of totals. */
  rankEnds(): { q: QuantileSpec; column: string }[] {
    return this.quantiles.flatMap((q) => (['low', 'high'] as const).map((end) => ({ q, column: `${q.name}_${end}` })));
  }
}

const indent = (lines: readonly string[], depth = 4): string => lines.map((line) => `${' '.repeat(depth)}${line}`).join(',\n');

/** The values of both sides, their counts and moments, the quantiles' ranks and the buckets' span. */
function totalsCtes(s: SubjectSql): string[] {
  const { d, id, names } = s;
  const column = id(s.subject.column);
  const sideValue = (b: 0 | 1): string => `(CASE WHEN ${id('b')} = ${b} THEN ${id('v')} END)`;
  const h = (q: QuantileSpec): string => `(CAST(${id(q.count)} - 1 AS DOUBLE) * ${d.double(q.p)})`;
  const rankColumns = s.quantiles.flatMap((q) => [
    `floor(${h(q)}) + 1 AS ${id(`${q.name}_low`)}`,
    `ceil(${h(q)}) + 1 AS ${id(`${q.name}_high`)}`,
    `${h(q)} - floor(${h(q)}) AS ${id(`${q.name}_weight`)}`,
  ]);
  const bucketCount =
    s.buckets === undefined
      ? `least(${maxBuckets}, greatest(${minBuckets}, CAST(power(2, ceil(ln(${s.dbl(`greatest(${id('n')} + ${id('m')}, 1)`)} / ${valuesPerBucket}) / ln(2))) AS BIGINT)))`
      : String(Math.max(1, Math.floor(s.buckets)));
  const spread =
    `(coalesce(greatest(${id('baseline_std')}, ${id('current_std')}), ${id('baseline_std')}, ${id('current_std')}, 0)` +
    ` + abs(coalesce(${id('baseline_mean')} - ${id('current_mean')}, 0)))`;
  const low = `greatest(${id('low_value')}, ${id('centre')} - ${spreadsCovered} * ${spread})`;
  const high = `least(${id('high_value')}, ${id('centre')} + ${spreadsCovered} * ${spread})`;
  const moments = [
    `coalesce(sum(${id('b')}), 0) AS ${id('n')}`,
    `count(*) - coalesce(sum(${id('b')}), 0) AS ${id('m')}`,
    `avg(${sideValue(1)}) AS ${id('baseline_mean')}`,
    `${d.stddevSamp(sideValue(1))} AS ${id('baseline_std')}`,
    `avg(${sideValue(0)}) AS ${id('current_mean')}`,
    `${d.stddevSamp(sideValue(0))} AS ${id('current_std')}`,
    `avg(${id('v')}) AS ${id('centre')}`,
    `min(${id('v')}) AS ${id('low_value')}`,
    `max(${id('v')}) AS ${id('high_value')}`,
  ];
  return [
    `${names.values} AS (\n  SELECT ${column} AS ${id('v')}, 1 AS ${id('b')} FROM baseline_rows WHERE ${column} IS NOT NULL\n` +
      `  UNION ALL\n  SELECT ${column}, 0 FROM window_rows WHERE ${id('is_valid')} AND ${column} IS NOT NULL\n)`,
    `${names.totals} AS (\n  SELECT\n${indent([
      '*',
      ...rankColumns,
      `CASE WHEN ${high} > ${low} THEN ${low} ELSE coalesce(${id('low_value')}, 0) END AS ${id('start')}`,
      `CASE WHEN ${high} > ${low} THEN (${high} - ${low}) / ${id('buckets')} ELSE 1 END AS ${id('width')}`,
    ])}\n  FROM (\n    SELECT *, ${bucketCount} AS ${id('buckets')}\n    FROM (\n      SELECT\n${indent(moments, 8)}\n` +
      `      FROM ${names.values}\n    ) AS moments\n  ) AS sized\n)`,
  ];
}

/** Each value's bucket, and per bucket in value order: its counts, extremes and sums, and the counts before it. */
function bucketCtes(s: SubjectSql): string[] {
  const { d, id, names } = s;
  // Buckets of equal width over [start, start + width * buckets); values beyond go to the end ones.
  const bucketOf = `CAST(least(${s.dbl(`t.${id('buckets')} - 1`)}, greatest(${d.double(0)}, floor((x.${id('v')} - t.${id('start')}) / t.${id('width')}))) AS BIGINT)`;
  const perBucket = [
    id('k'),
    `sum(${id('b')}) AS ${id('nb')}`,
    `count(*) - sum(${id('b')}) AS ${id('nc')}`,
    `min(${id('v')}) AS ${id('lo')}`,
    `max(${id('v')}) AS ${id('hi')}`,
    // Offsets from the bucket's start keep the sums small, so they lose no digits; b is 0 or 1.
    `sum(${id('b')} * (${id('v')} - ${id('ref')})) AS ${id('sb')}`,
    `sum(${id('v')} - ${id('ref')}) - sum(${id('b')} * (${id('v')} - ${id('ref')})) AS ${id('sc')}`,
  ];
  return [
    `${names.bucketed} AS (\n  SELECT x.${id('v')}, x.${id('b')}, ${bucketOf} AS ${id('k')}\n  FROM ${names.values} AS x\n  CROSS JOIN ${names.totals} AS t\n)`,
    `${names.counted} AS (\n  SELECT\n${indent([
      '*',
      `sum(${id('nb')}) ${s.running('k')} - ${id('nb')} AS ${id('cb0')}`,
      `sum(${id('nc')}) ${s.running('k')} - ${id('nc')} AS ${id('cc0')}`,
      `lead(${id('lo')}) OVER (ORDER BY ${id('k')}) AS ${id('next_lo')}`,
    ])}\n  FROM (\n    SELECT\n${indent(perBucket, 6)}\n` +
      `    FROM (\n      SELECT g.*, t.${id('start')} + g.${id('k')} * t.${id('width')} AS ${id('ref')}\n` +
      `      FROM ${names.bucketed} AS g\n      CROSS JOIN ${names.totals} AS t\n    ) AS referenced\n    GROUP BY ${id('k')}\n  ) AS per_bucket\n)`,
  ];
}

/**
 * Which buckets are sorted: those of several values where D may change sign, where |D| may exceed
 * every bucket end's gap, or where a quantile's rank falls; e0 and eb0 count the sorted values
 * (all, and the baseline's) in the sorted buckets before each.
 */
function selectionCtes(s: SubjectSql): string[] {
  const { d, id, names } = s;
  const c = (col: string): string => `c.${id(col)}`;
  // A bucket holds rank r of a side when that side's count before it is < r and after it >= r.
  const holdsRank = s.rankEnds().map(({ q, column }) => {
    const [before, inside] = q.running === 'cc' ? ['cc0', 'nc'] : ['cb0', 'nb'];
    const rank = `t.${id(column)}`;
    return `(${c(before)} < ${rank} AND ${c(before)} + ${c(inside)} >= ${rank})`;
  });
  const sortedShare = (count: string): string => `sum(CASE WHEN ${id('sorted')} THEN ${count} ELSE 0 END) ${s.running('k')} - CASE WHEN ${id('sorted')} THEN ${count} ELSE 0 END`;
  return [
    `${names.bounds} AS (\n  SELECT\n${indent([
      'c.*',
      `t.${id('start')} + ${c('k')} * t.${id('width')} AS ${id('ref')}`,
      `${s.perN(c('cb0'))} - ${s.perM(c('cc0'))} AS ${id('d0')}`,
      // D inside the bucket stays within [d_low, d_high].
      `${s.perN(c('cb0'))} - ${s.perM(`${c('cc0')} + ${c('nc')}`)} AS ${id('d_low')}`,
      `${s.perN(`${c('cb0')} + ${c('nb')}`)} - ${s.perM(c('cc0'))} AS ${id('d_high')}`,
      `${s.gap(`${c('cb0')} + ${c('nb')}`, `${c('cc0')} + ${c('nc')}`)} AS ${id('end_gap')}`,
      `${s.perN(c('nb'))} AS ${id('share_b')}`,
      `${s.perM(c('nc'))} AS ${id('share_c')}`,
      `${holdsRank.length === 0 ? 'FALSE' : holdsRank.join(' OR ')} AS ${id('holds_rank')}`,
    ])}\n  FROM ${names.counted} AS c\n  CROSS JOIN ${names.totals} AS t\n)`,
    `${names.marked} AS (\n  SELECT\n${indent(['*', `${sortedShare(`${id('nb')} + ${id('nc')}`)} AS ${id('e0')}`, `${sortedShare(id('nb'))} AS ${id('eb0')}`])}\n` +
      `  FROM (\n    SELECT\n      *,\n      ${id('lo')} < ${id('hi')} AND (\n` +
      `        (${id('d_low')} < 0 AND ${id('d_high')} > 0)\n` +
      `        OR greatest(abs(${id('d_low')}), abs(${id('d_high')})) + ${d.double(boundSlack)} > max(${id('end_gap')}) OVER ()\n` +
      `        OR ${id('holds_rank')}\n      ) AS ${id('sorted')}\n    FROM ${names.bounds}\n  ) AS flagged\n)`,
  ];
}

/** The points where an ECDF moves (within sorted buckets) or may move (the end of any other bucket). */
function pointCtes(s: SubjectSql): string[] {
  const { id, names } = s;
  const exactColumns = ['cb0', 'cc0', 'e0', 'eb0', 'next_lo', 'holds_rank'].map((col) => `s.${id(col)}`);
  return [
    `${names.exact} AS (\n  SELECT x.${id('v')}, x.${id('b')}, ${exactColumns.join(', ')}, s.${id('nb')} + s.${id('nc')} AS ${id('size')}\n` +
      `  FROM ${names.bucketed} AS x\n  JOIN ${names.marked} AS s ON x.${id('k')} = s.${id('k')}\n  WHERE s.${id('sorted')}\n)`,
    // Sorted buckets never share a value, so one sort orders them all: a value's running counts
    // less what came before its bucket are its counts inside the bucket.
    `${names.exactPoints} AS (\n  SELECT\n${indent([
      id('v'),
      `${id('cb0')} + ${id('rb')} - ${id('eb0')} AS ${id('cb')}`,
      `${id('cc0')} + (${id('r')} - ${id('e0')}) - (${id('rb')} - ${id('eb0')}) AS ${id('cc')}`,
      `CASE WHEN ${id('r')} - ${id('e0')} = ${id('size')} THEN ${id('next_lo')} ELSE ${id('lead_v')} END AS ${id('next_v')}`,
      id('holds_rank'),
    ])}\n  FROM (\n    SELECT\n${indent(
      [
        '*',
        `sum(${id('b')}) ${s.running('v')} AS ${id('rb')}`,
        `row_number() OVER (ORDER BY ${id('v')}) AS ${id('r')}`,
        `lead(${id('v')}) OVER (ORDER BY ${id('v')}) AS ${id('lead_v')}`,
      ],
      6,
    )}\n    FROM ${names.exact}\n  ) AS running\n)`,
    `${names.points} AS (\n  SELECT ${['v', 'cb', 'cc', 'next_v', 'holds_rank'].map(id).join(', ')} FROM ${names.exactPoints}\n  UNION ALL\n` +
      `  SELECT ${['hi', 'cb0 + nb', 'cc0 + nc', 'next_lo', 'holds_rank'].map((col) => col.split(' + ').map(id).join(' + ')).join(', ')} FROM ${names.marked} WHERE NOT ${id('sorted')}\n)`,
  ];
}

/** KS, W1 and the quantiles from the points, and the unsorted buckets' insides. */
function resultCtes(s: SubjectSql): string[] {
  const { d, id, names } = s;
  const p = (col: string): string => `p.${id(col)}`;
  const u = (col: string): string => `u.${id(col)}`;
  const rankedValues = s.rankEnds().map(({ q, column }) => `min(CASE WHEN ${p(q.running)} >= t.${id(column)} THEN ${p('v')} END) AS ${id(column)}`);
  const interpolated = s.quantiles.map((q) => {
    const [low, high] = [`r.${id(`${q.name}_low`)}`, `r.${id(`${q.name}_high`)}`];
    return `CASE WHEN t.${id(q.count)} > 0 THEN ${low} + (${high} - ${low}) * t.${id(`${q.name}_weight`)} END AS ${id(q.name)}`;
  });
  const both = `t.${id('n')} > 0 AND t.${id('m')} > 0`;
  // Where D keeps one sign inside a bucket, |integral of D| over it, from the bucket's sums.
  const insideArea =
    `abs((${u('hi')} - ${u('lo')}) * ${u('d0')} + (${u('hi')} - ${u('ref')}) * (${u('share_b')} - ${u('share_c')})` +
    ` - ${s.perN(u('sb'))} + ${s.perM(u('sc'))})`;
  return [
    // No GROUP BY: one row even when there are no values (then every aggregate is NULL). A rank's
    // value is in the bucket holding it, and no point of another bucket before or after it
    // reaches the rank with a smaller value, so only those buckets' points are read for it.
    `${names.sums} AS (\n  SELECT\n${indent([
      `max(CASE WHEN ${p('next_v')} IS DISTINCT FROM ${p('v')} THEN ${s.gap(p('cb'), p('cc'))} END) AS ${id('max_gap')}`,
      `sum(${s.gap(p('cb'), p('cc'))} * coalesce(${p('next_v')} - ${p('v')}, 0)) AS ${id('area')}`,
    ])}\n  FROM ${names.points} AS p\n  CROSS JOIN ${names.totals} AS t\n)`,
    `${names.ranked} AS (\n  SELECT\n${indent(rankedValues)}\n  FROM ${names.points} AS p\n  CROSS JOIN ${names.totals} AS t\n  WHERE ${p('holds_rank')}\n)`,
    `${names.result} AS (\n  SELECT\n${indent([
      `${d.string(s.subject.subject)} AS ${id('subject')}`,
      `t.${id('n')}`,
      `t.${id('m')}`,
      // No statistic when either sample is empty.
      `CASE WHEN ${both} THEN s.${id('max_gap')} END AS ${id('ks_statistic')}`,
      `CASE WHEN ${both} THEN coalesce(s.${id('area')}, 0) + coalesce(i.${id('area')}, 0) END AS ${id('wasserstein')}`,
      ...['baseline_mean', 'baseline_std', 'current_mean', 'current_std'].map((col) => `t.${id(col)}`),
      ...interpolated,
    ])}\n  FROM ${names.totals} AS t\n  CROSS JOIN ${names.sums} AS s\n  CROSS JOIN ${names.ranked} AS r\n  CROSS JOIN (\n` +
      `    SELECT sum(${insideArea}) AS ${id('area')}\n    FROM ${names.marked} AS u\n    CROSS JOIN ${names.totals} AS t\n` +
      `    WHERE NOT ${u('sorted')} AND ${u('lo')} < ${u('hi')}\n  ) AS i\n)`,
  ];
}

/**
 * One subject's CTEs; `result` names the one-row CTE with its subject, n, m, ks_statistic,
 * wasserstein, moments and a column per quantile. `buckets` fixes the bucket count (only the
 * speed depends on it).
 */
export function subjectDistanceCtes(
  d: SqlDialect,
  subject: NumericSubject,
  index: number,
  quantiles: readonly QuantileSpec[],
  buckets: number | undefined,
): { ctes: string[]; result: string } {
  const s = new SubjectSql(d, subject, index, quantiles, buckets);
  return { ctes: [...totalsCtes(s), ...bucketCtes(s), ...selectionCtes(s), ...pointCtes(s), ...resultCtes(s)], result: s.names.result };
}
