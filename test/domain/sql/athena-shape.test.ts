// The Athena SQL of every statistic: pinned fragments (what Trino must be asked), and the same shape
// as the DuckDB SQL the local tests run (same CTEs, same output columns), so passing locally says
// something about AWS.
import assert from 'node:assert/strict';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { type MonitoringQueryInput } from '../../../src/domain/sql/query-input.js';
import { monitoringQueryBuilders } from '../../support/query-builders.js';
import { contractOf, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'demand',
  features: [
    { name: 'price', type: 'float', min: 0 },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', categories: ['north', 'south'] },
    { name: 'promo', type: 'bool', default: false },
  ],
});

function inputFor(dialect: SqlDialect): MonitoringQueryInput {
  return { contract, tables: tablesOf('demand'), window: testWindow, sampleRate: 0.25, dialect };
}

const builders = monitoringQueryBuilders(new Map([['price', [1, 2.5]], ['prediction', []]]));

const cteNames = (sql: string): string[] => [...sql.matchAll(/^(\w+) AS \(/gm)].map((m) => m[1] ?? '');
const aliases = (sql: string): string[] => [...new Set([...sql.matchAll(/ AS "(\w+)"/g)].map((m) => m[1] ?? ''))].sort();
/** The final SELECT: what follows the last CTE's closing parenthesis. */
const finalSelect = (sql: string): string => sql.slice(sql.lastIndexOf('\n)\n') + 3);

const duckdbOnly = ['quantile_cont', 'isodow', 'isfinite(', 'regexp_full_match', 'json_object', "timezone('UTC'", 'TIMESTAMPTZ', "TIMESTAMP '"];
const athenaOnly = ['approx_percentile', 'day_of_week', 'is_finite', 'regexp_like', 'from_iso8601_timestamp', 'from_base', 'json_format', 'with_timezone'];

describe('Athena SQL of the monitoring queries', () => {
  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: same CTEs and output columns as DuckDB, and only Athena functions`, () => {
      const duck = build(inputFor(duckdbDialect));
      const athena = build(inputFor(athenaDialect));
      assert.equal(athena.label, duck.label);
      assert.deepEqual(cteNames(athena.sql), cteNames(duck.sql));
      assert.ok(cteNames(duck.sql).includes('window_rows') || cteNames(duck.sql).includes('baseline_rows'));
      assert.deepEqual(aliases(finalSelect(athena.sql)), aliases(finalSelect(duck.sql)));
      assert.deepEqual(aliases(athena.sql), aliases(duck.sql));
      for (const fragment of duckdbOnly) assert.ok(!athena.sql.includes(fragment), `Athena SQL uses DuckDB's ${fragment}`);
      for (const fragment of athenaOnly) assert.ok(!duck.sql.includes(fragment), `DuckDB SQL uses Athena's ${fragment}`);
    });
  }

  const athena = (name: string): string => {
    const build = builders[name];
    assert.ok(build);
    return build(inputFor(athenaDialect)).sql;
  };

  it('window rows: parsed event time in [start, end), strict decimals, deterministic sample', () => {
    const sql = athena('summary');
    const eventTime =
      `coalesce(try(from_iso8601_timestamp(CAST(src."event_time" AS VARCHAR)) AT TIME ZONE 'UTC'), ` +
      `try(with_timezone(CAST(CAST(src."event_time" AS VARCHAR) AS TIMESTAMP), 'UTC')))`;
    assert.ok(
      sql.includes(`WHERE (${eventTime} >= from_iso8601_timestamp('2024-06-03T00:00:00.000Z') AND ${eventTime} < from_iso8601_timestamp('2024-06-10T00:00:00.000Z'))`),
    );
    assert.ok(sql.includes(`regexp_like("r_price", '^(?:[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)$') AND is_finite(TRY_CAST("r_price" AS DOUBLE))`));
    assert.ok(sql.includes(`(CASE WHEN (w."r_footfall" IS NULL) THEN 0e+0 ELSE w."c_footfall" END) AS "f_footfall"`));
    assert.ok(sql.includes(`(CAST(from_base(substr(to_hex(md5(to_utf8(CAST(w."record_id" AS VARCHAR)))), 1, 8), 16) AS DOUBLE) / 4.294967296e9) AS "sample_u"`));
    assert.ok(sql.includes(`window_rows AS (\n  SELECT * FROM window_source\n  WHERE "sample_u" < 2.5e-1\n)`));
    assert.ok(sql.includes(`WHERE s."model" = 'demand'`));
  });

  it('quality: approximate quantiles and sample standard deviation over valid rows', () => {
    const sql = athena('quality');
    assert.ok(sql.includes(`approx_percentile((CASE WHEN "is_valid" THEN "f_price" END), 0.05) AS "f0_p5"`));
    assert.ok(sql.includes(`stddev_samp((CASE WHEN "is_valid" THEN "f_price" END)) AS "f0_std"`));
    assert.ok(sql.includes(`coalesce(sum(CASE WHEN "is_valid" AND ("f_price" < 0e+0) THEN 1 ELSE 0 END), 0) AS "f0_out_of_range"`));
    assert.ok(sql.includes(`"f_region" NOT IN ('north', 'south')`));
  });

  it('distance: every subject in one set of CTEs keyed by its position, values counted per bucket, running counts over buckets, only some buckets sorted, KS as the largest gap, W1 as gap times width', () => {
    const sql = athena('distance');
    assert.ok(sql.includes(`FROM (VALUES (0, 'price'), (1, 'footfall'), (2, 'prediction')) AS listed ("s", "subject")`));
    assert.ok(sql.includes(`floor((x."v" - t."start") / t."width")`), 'each value falls in a bucket of equal width');
    assert.ok(sql.includes(`GROUP BY "s", "k"`), 'values are counted per subject and bucket');
    const running = (key: string): string => `OVER (PARTITION BY "s" ORDER BY "${key}" NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    assert.ok(sql.includes(`sum("nb") ${running('k')} - "nb" AS "cb0"`));
    assert.ok(sql.includes(`lead("lo") OVER (PARTITION BY "s" ORDER BY "k" NULLS LAST) AS "next_lo"`));
    assert.ok(sql.includes(`sum("nb") OVER (PARTITION BY "s") AS "n"`), "the subject's counts are carried from the buckets on, not joined again");
    assert.ok(sql.includes(`max("end_gap") OVER (PARTITION BY "s")`), 'a bucket is sorted only when it may hold the largest gap');
    assert.ok(sql.includes(`sum("b") ${running('v')} AS "rb"`));
    assert.ok(sql.includes(`RIGHT JOIN distance_marked AS bucket ON x."s" = bucket."s" AND x."k" = bucket."sorted_k"`), 'only sorted buckets are joined to their values');
    assert.ok(!sql.includes('PARTITION BY "s", "k"'), "a subject's sorted buckets share one sort");
    const gap = `abs(CAST("cb" AS DOUBLE) / greatest("n", 1) - CAST("cc" AS DOUBLE) / greatest("m", 1))`;
    assert.ok(sql.includes(`max(CASE WHEN "next_at" IS DISTINCT FROM "at" THEN ${gap} END) AS "max_gap"`));
    assert.ok(sql.includes(`sum(${gap} * coalesce("next_at" - "at", 0)) + coalesce(sum("inside_area"), 0) AS "area"`));
    assert.ok(sql.includes(`CASE WHEN t."n" > 0 AND t."m" > 0 THEN sm."max_gap" END AS "ks_statistic"`));
    assert.ok(sql.includes(`min(CASE WHEN "holds_rank" AND "cc" >= floor((CAST("m" - 1 AS DOUBLE) * 5e-1)) + 1 THEN "at" END) AS "cq_2_low"`), 'the window median from the points');
    // Trino plans every reference to a WITH query anew: the heavy parts are each read at most twice.
    for (const part of ['values', 'totals', 'bucketed', 'counted', 'bounds', 'marked', 'joined', 'points', 'sums']) {
      const references = sql.split(/\s+/).filter((word) => word === `distance_${part}`).length - 1;
      assert.ok(references <= 2, `distance_${part} is read ${references} times`);
    }
    assert.ok(sql.includes(`stddev_samp((CASE WHEN "b" = 1 THEN "v" END)) AS "baseline_std"`));
  });

  it('bins: approximate baseline quantiles at i/B, counts by edges strictly below', () => {
    assert.ok(athena('bin-edges').includes(`approx_percentile("f_price", 0.1) AS "q_1"`));
    assert.ok(athena('bin-edges').includes(`approx_percentile("f_price", 0.9) AS "q_9"`));
    const counts = athena('bin-counts');
    assert.ok(counts.includes(`CASE WHEN "f_price" > 1e+0 THEN CASE WHEN "f_price" > 2.5e+0 THEN 2 ELSE 1 END ELSE 0 END WHEN 1 THEN 0 END AS "bin"`), 'a tree of comparisons over the edges');
    assert.ok(counts.includes(`FROM baseline_rows CROSS JOIN (VALUES (0)`), 'the baseline read once for every subject');
    assert.ok(counts.includes(`FROM window_rows CROSS JOIN (VALUES (0)`), 'the window read once for every subject');
    assert.ok(counts.includes(`GROUP BY 1, 2`), 'counted per subject position and bin');
    assert.ok(counts.includes(`SELECT CASE binned."position" WHEN 0 THEN 'price'`), 'named by position at the end');
    assert.ok(counts.includes(`sum("nb") AS "baseline_count", sum("nc") AS "current_count"`));
  });

  it('categories: booleans as text, grouped per category', () => {
    const sql = athena('categories');
    assert.ok(sql.includes(`(CASE WHEN "f_promo" THEN 'true' ELSE 'false' END)`));
    assert.ok(sql.includes(`GROUP BY "subject", "category"`));
    assert.ok(sql.includes(`FROM window_rows CROSS JOIN (VALUES (0), (1)) AS p ("position")`), 'the window read once for both features');
  });

  it('performance and facets: the latest label as of the time, weekend by ISO day of week', () => {
    const performance = athena('performance');
    assert.ok(performance.includes(`<= from_iso8601_timestamp('2024-06-20T00:00:00.000Z')`));
    assert.ok(performance.includes(`row_number() OVER (PARTITION BY (CASE WHEN typeof(l."record_id") = 'double' THEN `));
    assert.ok(performance.includes(`sum(CASE WHEN p."err" IS NOT NULL AND p."label" <> 0 THEN abs(p."err") / abs(p."label") END) AS "sum_abs_percent_error"`));
    const facets = athena('facets');
    assert.ok(facets.includes(`WHEN day_of_week("event_time") IN (6, 7) THEN 'weekend' ELSE 'weekday' END`));
    assert.ok(facets.includes(`FROM facet_base CROSS JOIN (VALUES (0), (1), (2)) AS p ("position")`), 'one read of the rows for every facet');
  });

  it('quarantine: reasons by concatenation, the raw record as a JSON map of text', () => {
    const sql = athena('quarantine');
    assert.ok(sql.includes(`concat_ws('; ', CASE WHEN "record_id" IS NULL THEN 'record_id: missing' END, `));
    assert.ok(sql.includes(`CASE WHEN "e_price" THEN 'price: "' || substr("r_price", 1, 100) || '" is not a float' END`));
    assert.ok(sql.includes(`CASE WHEN "m_price" THEN 'price: missing' END`));
    assert.ok(!sql.includes(`'footfall: missing'`), 'a feature with a default is never missing');
    // One single-key map per member, in contract order: a map's JSON would sort the keys.
    const keys = ['record_id', 'event_time', 'prediction', 'model_version', 'price', 'footfall', 'region', 'promo'];
    const at = keys.map((key) => sql.indexOf(`json_format(CAST(MAP(ARRAY['${key}'], ARRAY[`));
    assert.ok(at.every((index, i) => index >= 0 && (i === 0 || index > (at[i - 1] ?? 0))), `members in order: ${at.join(', ')}`);
  });
});
