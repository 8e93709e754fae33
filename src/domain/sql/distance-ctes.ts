// The CTEs of the distance query (see numericDistanceSql): exact KS, Wasserstein-1 and quantiles
// of two samples per numeric subject, from a bucketed count of their values, sorting only the
// buckets whose order matters. A set of CTEs holds several subjects, keyed by their position `s`
// and partitioned by it (its size, and the engine's planning of it, do not grow with the
// features), or one subject, written without the key (a set per subject runs faster on large
// windows); see DistanceOptions.layout.
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
//
// Trino (Athena's engine) plans every reference to a WITH query anew, re-reading the tables under
// it, and refuses a plan of over 150 stages. So every part is read once, except the values (for
// the totals, then placed in buckets) and the bucketed values (counted, then joined back for the
// sorted buckets): the counts n and m ride along with the buckets instead of being joined again,
// and one aggregate over the points gives KS, W1 and the ranks' values (81 stages for 3 subjects).
import { type SqlDialect } from './dialect.js';
import { type NumericSubject } from './query-input.js';
import { SqlBuildError } from './sql-text.js';
import { byPosition, crossWithPositions } from './unpivot.js';

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

const cteParts = ['subjects', 'values', 'totals', 'bucketed', 'counted', 'bounds', 'marked', 'joined', 'points', 'sums', 'result'] as const;

/** What every part of the query shares: names and expression helpers. */
class DistanceSql {
  readonly id: (name: string) => string;
  readonly names: Record<(typeof cteParts)[number], string>;

  constructor(
    readonly d: SqlDialect,
    readonly subjects: readonly { subject: NumericSubject; position: number }[],
    readonly quantiles: readonly QuantileSpec[],
    readonly buckets: number | undefined,
    suffix: string,
  ) {
    this.id = d.ident;
    this.names = Object.fromEntries(cteParts.map((part) => [part, `distance_${part}${suffix}`])) as Record<(typeof cteParts)[number], string>;
  }

  dbl(expr: string): string {
    return `CAST(${expr} AS DOUBLE)`;
  }

  /** A running total per subject in `key` order; ROWS, since keys are distinct or ties are resolved elsewhere. */
  running(key: string): string {
    return `OVER (${this.perSubject()}ORDER BY ${this.id(key)} NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  }

  /** A window in `key` order per subject. */
  ordered(key: string): string {
    return `OVER (${this.perSubject()}ORDER BY ${this.id(key)} NULLS LAST)`;
  }

  /** A window over each subject's rows. */
  whole(): string {
    return `OVER (${this.perSubject().trimEnd()})`;
  }

  /**
   * One subject's set is written without the subject key (no partitions, no joins on it, plain
   * aggregates): for a single subject that is what runs fastest.
   */
  get shared(): boolean {
    return this.subjects.length > 1;
  }

  /** `columns` led by the subject key where the set is shared. */
  keyed(columns: readonly string[], alias = ''): string[] {
    return [...(this.shared ? [`${alias}${this.id('s')}`] : []), ...columns];
  }

  private perSubject(): string {
    return this.shared ? `PARTITION BY ${this.id('s')} ` : '';
  }

  // Over at least 1: an empty side leaves every figure finite (its statistics are then withheld).
  // n and m are columns of every row from the bucket counts on.
  perN(expr: string): string {
    return `${this.dbl(expr)} / greatest(${this.id('n')}, 1)`;
  }

  perM(expr: string): string {
    return `${this.dbl(expr)} / greatest(${this.id('m')}, 1)`;
  }

  gap(cb: string, cc: string): string {
    return `abs(${this.perN(cb)} - ${this.perM(cc)})`;
  }

  /** `alias`'s row joined to its subject's totals (alias t). */
  withTotals(from: string, alias: string): string {
    if (!this.shared) return `${from} AS ${alias}\n  CROSS JOIN ${this.names.totals} AS t`;
    return `${from} AS ${alias}\n  JOIN ${this.names.totals} AS t ON t.${this.id('s')} = ${alias}.${this.id('s')}`;
  }

  /** h = (count - 1) p: the quantile lies between the values of rank floor(h) + 1 and ceil(h) + 1. */
  private h(q: QuantileSpec): string {
    return `(CAST(${this.id(q.count)} - 1 AS DOUBLE) * ${this.d.double(q.p)})`;
  }

  /** Every quantile's two ranks, each with the running count that reaches it, over a row with n and m. */
  rankEnds(): { q: QuantileSpec; end: 'low' | 'high'; rank: string }[] {
    return this.quantiles.flatMap((q) => [
      { q, end: 'low' as const, rank: `floor(${this.h(q)}) + 1` },
      { q, end: 'high' as const, rank: `ceil(${this.h(q)}) + 1` },
    ]);
  }

  /** How far the quantile lies from its low rank's value towards its high rank's. */
  weight(q: QuantileSpec): string {
    return `${this.h(q)} - floor(${this.h(q)})`;
  }
}

const indent = (lines: readonly string[], depth = 4): string => lines.map((line) => `${' '.repeat(depth)}${line}`).join(',\n');

/** The subjects, the values of both sides, their counts and moments, the quantiles' weights and the buckets' span. */
function totalsCtes(s: DistanceSql): string[] {
  const { d, id, names } = s;
  const sideValue = (b: 0 | 1): string => `(CASE WHEN ${id('b')} = ${b} THEN ${id('v')} END)`;
  const weights = s.quantiles.map((q) => `${s.weight(q)} AS ${id(`${q.name}_weight`)}`);
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
  const subjectRows = s.subjects.map(({ subject, position }) => `(${position}, ${d.string(subject.subject)})`).join(', ');
  // Several subjects: each side read once, a row per subject (see unpivot.ts); one: its column.
  const only = s.subjects[0];
  const positions = s.subjects.map(({ position }) => position);
  const valueOf = byPosition(d, s.subjects.map(({ subject, position }) => [position, s.dbl(id(subject.column))]), 'p', 's');
  const side = (rows: string, b: 0 | 1, where: string): string => {
    if (s.shared) {
      return (
        `SELECT ${id('s')}, ${id('v')}, ${b} AS ${id('b')} FROM (\n    SELECT p.${id('s')}, ${valueOf} AS ${id('v')}\n` +
        `    FROM ${rows} ${crossWithPositions(d, positions, 'p', 's')}${where === '' ? '' : `\n    WHERE ${where}`}\n  ) AS unpivoted WHERE ${id('v')} IS NOT NULL`
      );
    }
    const column = id(only?.subject.column ?? '');
    return `SELECT ${column} AS ${id('v')}, ${b} AS ${id('b')} FROM ${rows} WHERE ${where === '' ? '' : `${where} AND `}${column} IS NOT NULL`;
  };
  const values = [side('baseline_rows', 1, ''), side('window_rows', 0, id('is_valid'))];
  // Every subject has a row, values or none (then its counts are 0 and its statistics NULL).
  const counted = ['n', 'm'].map((col) => `coalesce(a.${id(col)}, 0) AS ${id(col)}`);
  const carried = ['baseline_mean', 'baseline_std', 'current_mean', 'current_std', 'centre', 'low_value', 'high_value'].map((col) => `a.${id(col)}`);
  // One subject: its moments over all its values (one row, values or none); several: per subject.
  const momentsRows =
    !s.shared && only !== undefined
      ? `      SELECT ${only.position} AS ${id('s')}, ${d.string(only.subject.subject)} AS ${id('subject')},\n${indent(moments, 8)}\n      FROM ${names.values}\n`
      : `      SELECT l.${id('s')}, l.${id('subject')}, ${[...counted, ...carried].join(', ')}\n      FROM ${names.subjects} AS l\n` +
        `      LEFT JOIN (\n        SELECT\n${indent([id('s'), ...moments], 10)}\n        FROM ${names.values}\n        GROUP BY ${id('s')}\n      ) AS a ON a.${id('s')} = l.${id('s')}\n`;
  return [
    ...(s.shared ? [`${names.subjects} AS (\n  SELECT * FROM (VALUES ${subjectRows}) AS listed (${id('s')}, ${id('subject')})\n)`] : []),
    `${names.values} AS (\n  ${values.join('\n  UNION ALL\n  ')}\n)`,
    `${names.totals} AS (\n  SELECT\n${indent([
      '*',
      ...weights,
      `CASE WHEN ${high} > ${low} THEN ${low} ELSE coalesce(${id('low_value')}, 0) END AS ${id('start')}`,
      `CASE WHEN ${high} > ${low} THEN (${high} - ${low}) / ${id('buckets')} ELSE 1 END AS ${id('width')}`,
    ])}\n  FROM (\n    SELECT *, ${bucketCount} AS ${id('buckets')}\n    FROM (\n${momentsRows}    ) AS moments\n  ) AS sized\n)`,
  ];
}

/**
 * Each value's bucket and the bucket's start, and per bucket in value order: its counts, extremes
 * and sums, the counts before it, and the subject's counts n and m (carried from here on, so that
 * no later part joins the totals again: Trino plans each reference to a WITH query anew).
 */
function bucketCtes(s: DistanceSql): string[] {
  const { d, id, names } = s;
  // Buckets of equal width over [start, start + width * buckets); values beyond go to the end ones.
  const bucketOf = `CAST(least(${s.dbl(`t.${id('buckets')} - 1`)}, greatest(${d.double(0)}, floor((x.${id('v')} - t.${id('start')}) / t.${id('width')}))) AS BIGINT)`;
  const perBucket = [
    ...s.keyed([]),
    id('k'),
    `min(${id('ref')}) AS ${id('ref')}`,
    `sum(${id('b')}) AS ${id('nb')}`,
    `count(*) - sum(${id('b')}) AS ${id('nc')}`,
    `min(${id('v')}) AS ${id('lo')}`,
    `max(${id('v')}) AS ${id('hi')}`,
    // Offsets from the bucket's start keep the sums small, so they lose no digits; b is 0 or 1.
    `sum(${id('b')} * (${id('v')} - ${id('ref')})) AS ${id('sb')}`,
    `sum(${id('v')} - ${id('ref')}) - sum(${id('b')} * (${id('v')} - ${id('ref')})) AS ${id('sc')}`,
  ];
  return [
    `${names.bucketed} AS (\n  SELECT ${s.keyed([id('v'), id('b'), id('k'), `${id('start')} + ${id('k')} * ${id('width')} AS ${id('ref')}`]).join(', ')}\n` +
      `  FROM (\n    SELECT ${s.keyed([`x.${id('v')}`, `x.${id('b')}`, `${bucketOf} AS ${id('k')}`, `t.${id('start')}`, `t.${id('width')}`], 'x.').join(', ')}\n` +
      `    FROM ${s.withTotals(names.values, 'x')}\n  ) AS placed\n)`,
    `${names.counted} AS (\n  SELECT\n${indent([
      '*',
      `sum(${id('nb')}) ${s.running('k')} - ${id('nb')} AS ${id('cb0')}`,
      `sum(${id('nc')}) ${s.running('k')} - ${id('nc')} AS ${id('cc0')}`,
      `lead(${id('lo')}) ${s.ordered('k')} AS ${id('next_lo')}`,
      `sum(${id('nb')}) ${s.whole()} AS ${id('n')}`,
      `sum(${id('nc')}) ${s.whole()} AS ${id('m')}`,
    ])}\n  FROM (\n    SELECT\n${indent(perBucket, 6)}\n    FROM ${names.bucketed}\n    GROUP BY ${s.keyed([id('k')]).join(', ')}\n  ) AS per_bucket\n)`,
  ];
}
/**
 * Which buckets are sorted: those of several values where D may change sign, where |D| may exceed
 * every bucket end's gap, or where a quantile's rank falls; e0 and eb0 count the sorted values
 * (all, and the baseline's) in the sorted buckets before each.
 */
function selectionCtes(s: DistanceSql): string[] {
  const { d, id, names } = s;
  // A bucket holds rank r of a side when that side's count before it is < r and after it >= r.
  const holdsRank = s.rankEnds().map(({ q, rank }) => {
    const [before, inside] = q.running === 'cc' ? ['cc0', 'nc'] : ['cb0', 'nb'];
    return `(${id(before)} < ${rank} AND ${id(before)} + ${id(inside)} >= ${rank})`;
  });
  const sortedShare = (count: string): string => `sum(CASE WHEN ${id('sorted')} THEN ${count} ELSE 0 END) ${s.running('k')} - CASE WHEN ${id('sorted')} THEN ${count} ELSE 0 END`;
  const [cb0, cc0, nb, nc] = ['cb0', 'cc0', 'nb', 'nc'].map(id) as [string, string, string, string];
  // Where D keeps one sign inside a bucket, |integral of D| over it, from the bucket's sums.
  const insideArea =
    `abs((${id('hi')} - ${id('lo')}) * ${id('d0')} + (${id('hi')} - ${id('ref')}) * (${id('share_b')} - ${id('share_c')})` +
    ` - ${s.perN(id('sb'))} + ${s.perM(id('sc'))})`;
  return [
    `${names.bounds} AS (\n  SELECT\n${indent([
      '*',
      `${s.perN(cb0)} - ${s.perM(cc0)} AS ${id('d0')}`,
      // D inside the bucket stays within [d_low, d_high].
      `${s.perN(cb0)} - ${s.perM(`${cc0} + ${nc}`)} AS ${id('d_low')}`,
      `${s.perN(`${cb0} + ${nb}`)} - ${s.perM(cc0)} AS ${id('d_high')}`,
      `${s.gap(`${cb0} + ${nb}`, `${cc0} + ${nc}`)} AS ${id('end_gap')}`,
      `${s.perN(nb)} AS ${id('share_b')}`,
      `${s.perM(nc)} AS ${id('share_c')}`,
      `${holdsRank.length === 0 ? 'FALSE' : holdsRank.join(' OR ')} AS ${id('holds_rank')}`,
    ])}\n  FROM ${names.counted}\n)`,
    // What the points need of each bucket, and no more: the sorted buckets' rows are repeated per value.
    `${names.marked} AS (\n  SELECT\n${indent([
      ...s.keyed(['n', 'm', 'holds_rank', 'sorted', 'hi', 'cb0', 'cc0', 'nb', 'nc', 'next_lo'].map(id)),
      `CASE WHEN NOT ${id('sorted')} AND ${id('lo')} < ${id('hi')} THEN ${insideArea} END AS ${id('inside_area')}`,
      `${sortedShare(`${nb} + ${nc}`)} AS ${id('e0')}`,
      `${sortedShare(nb)} AS ${id('eb0')}`,
      `CASE WHEN ${id('sorted')} THEN ${id('k')} END AS ${id('sorted_k')}`,
    ])}\n` +
      `  FROM (\n    SELECT\n      *,\n      ${id('lo')} < ${id('hi')} AND (\n` +
      `        (${id('d_low')} < 0 AND ${id('d_high')} > 0)\n` +
      `        OR greatest(abs(${id('d_low')}), abs(${id('d_high')})) + ${d.double(boundSlack)} > max(${id('end_gap')}) ${s.whole()}\n` +
      `        OR ${id('holds_rank')}\n      ) AS ${id('sorted')}\n    FROM ${names.bounds}\n  ) AS flagged\n)`,
  ];
}

/**
 * The points where an ECDF moves (each value of a sorted bucket) or may move (the end of any other
 * bucket), one row each. Every bucket is joined to its values only when sorted, so an unsorted
 * bucket keeps one row with no value: it stands for its end point and for its inside.
 */
function pointCtes(s: DistanceSql): string[] {
  const { id, names } = s;
  const inOrder = s.ordered('v');
  // An equality on the sorted buckets' key, so that both engines hash-join (a condition on the
  // bucket alone would make DuckDB compare every bucket with every value).
  const keys = [...s.keyed([]).map((c) => `x.${c} = bucket.${c}`), `x.${id('k')} = bucket.${id('sorted_k')}`].join(' AND ');
  const col = (name: string): string => id(name);
  const whenSorted = (sorted: string, otherwise: string): string => `CASE WHEN ${col('sorted')} THEN ${sorted} ELSE ${otherwise} END`;
  return [
    `${names.joined} AS (\n  SELECT bucket.*, x.${id('v')}, x.${id('b')}\n  FROM ${names.bucketed} AS x\n` +
      `  RIGHT JOIN ${names.marked} AS bucket ON ${keys}\n)`,
    // A subject's sorted buckets never share a value, so one sort orders them all (the unsorted
    // buckets' rows, with no value, come last): a value's running counts less what came before its
    // bucket are its counts inside the bucket.
    `${names.points} AS (\n  SELECT\n${indent([
      ...s.keyed([]),
      id('n'),
      id('m'),
      id('holds_rank'),
      `${whenSorted(col('v'), col('hi'))} AS ${id('at')}`,
      `${whenSorted(`${col('cb0')} + ${col('rb')} - ${col('eb0')}`, `${col('cb0')} + ${col('nb')}`)} AS ${id('cb')}`,
      `${whenSorted(`${col('cc0')} + (${col('r')} - ${col('e0')}) - (${col('rb')} - ${col('eb0')})`, `${col('cc0')} + ${col('nc')}`)} AS ${id('cc')}`,
      `${whenSorted(`CASE WHEN ${col('r')} - ${col('e0')} = ${col('nb')} + ${col('nc')} THEN ${col('next_lo')} ELSE ${col('lead_v')} END`, col('next_lo'))} AS ${id('next_at')}`,
      id('inside_area'),
    ])}\n  FROM (\n    SELECT\n${indent(['*', `sum(${id('b')}) ${s.running('v')} AS ${id('rb')}`, `row_number() ${inOrder} AS ${id('r')}`, `lead(${id('v')}) ${inOrder} AS ${id('lead_v')}`], 6)}\n` +
      `    FROM ${names.joined}\n  ) AS running\n)`,
  ];
}

/** KS, W1 and the quantiles per subject from the points, beside the subject's totals. */
function resultCtes(s: DistanceSql): string[] {
  const { id, names } = s;
  const p = (col: string): string => id(col);
  // A rank's value is in the bucket holding it, and no point of another bucket before or after
  // it reaches the rank with a smaller value, so only those buckets' points are read for it.
  const rankedValues = s.rankEnds().map(
    ({ q, end, rank }) => `min(CASE WHEN ${p('holds_rank')} AND ${p(q.running)} >= ${rank} THEN ${p('at')} END) AS ${id(`${q.name}_${end}`)}`,
  );
  const interpolated = s.quantiles.map((q) => {
    const [low, high] = [`sm.${id(`${q.name}_low`)}`, `sm.${id(`${q.name}_high`)}`];
    return `CASE WHEN t.${id(q.count)} > 0 THEN ${low} + (${high} - ${low}) * t.${id(`${q.name}_weight`)} END AS ${id(q.name)}`;
  });
  const both = `t.${id('n')} > 0 AND t.${id('m')} > 0`;
  return [
    // No GROUP BY for one subject: one row even when it has no values (then every aggregate is NULL).
    `${names.sums} AS (\n  SELECT\n${indent([
      ...s.keyed([]),
      `max(CASE WHEN ${p('next_at')} IS DISTINCT FROM ${p('at')} THEN ${s.gap(p('cb'), p('cc'))} END) AS ${id('max_gap')}`,
      `sum(${s.gap(p('cb'), p('cc'))} * coalesce(${p('next_at')} - ${p('at')}, 0)) + coalesce(sum(${p('inside_area')}), 0) AS ${id('area')}`,
      ...rankedValues,
    ])}\n  FROM ${names.points}${s.shared ? `\n  GROUP BY ${id('s')}` : ''}\n)`,
    `${names.result} AS (\n  SELECT\n${indent([
      `t.${id('s')}`,
      `t.${id('subject')}`,
      `t.${id('n')}`,
      `t.${id('m')}`,
      // No statistic when either sample is empty.
      `CASE WHEN ${both} THEN sm.${id('max_gap')} END AS ${id('ks_statistic')}`,
      `CASE WHEN ${both} THEN coalesce(sm.${id('area')}, 0) END AS ${id('wasserstein')}`,
      ...['baseline_mean', 'baseline_std', 'current_mean', 'current_std'].map((col) => `t.${id(col)}`),
      ...interpolated,
    ])}\n  FROM ${names.totals} AS t\n` +
      // One row for one subject (aggregates without GROUP BY); a row per subject with values otherwise.
      (s.shared ? `  LEFT JOIN ${names.sums} AS sm ON sm.${id('s')} = t.${id('s')}` : `  CROSS JOIN ${names.sums} AS sm`) +
      `\n)`,
  ];
}


/**
 * The CTEs of the given subjects' distances (each with its position, `s`); `result` names the CTE
 * with a row per subject (s, subject, n, m, ks_statistic, wasserstein, the moments and a column per
 * quantile). `buckets` fixes the bucket count (only the speed depends on it); `suffix` ends every
 * CTE's name, so that several sets can share a query.
 */
export function distanceCtes(
  d: SqlDialect,
  subjects: readonly { subject: NumericSubject; position: number }[],
  quantiles: readonly QuantileSpec[],
  options: { buckets?: number | undefined; suffix?: string } = {},
): { ctes: string[]; result: string } {
  if (subjects.length === 0) throw new SqlBuildError('the distance query needs at least one numeric subject');
  const s = new DistanceSql(d, subjects, quantiles, options.buckets, options.suffix ?? '');
  return { ctes: [...totalsCtes(s), ...bucketCtes(s), ...selectionCtes(s), ...pointCtes(s), ...resultCtes(s)], result: s.names.result };
}
