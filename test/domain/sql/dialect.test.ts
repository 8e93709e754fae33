import assert from 'node:assert/strict';
import { athenaDialect, dialectFor, duckdbDialect } from '../../../src/domain/sql/dialect.js';
import { SqlBuildError, doubleLiteral, isoUtc, normaliseWindow, stringLiteral } from '../../../src/domain/sql/sql-text.js';

describe('SQL dialects', () => {
  it('quote identifiers and tables, and refuse unsafe names', () => {
    for (const d of [duckdbDialect, athenaDialect]) {
      assert.equal(d.ident('price'), '"price"');
      assert.equal(d.table('analytics.demand_log'), '"analytics"."demand_log"');
      assert.throws(() => d.table('x; DROP TABLE y'), SqlBuildError);
      assert.throws(() => d.table('a.b.c'), /more than one dot/);
    }
    assert.equal(athenaDialect.ddlIdent('rows'), '`rows`');
    assert.equal(duckdbDialect.ddlIdent('rows'), '"rows"');
  });

  it('write string and double literals both engines read back exactly', () => {
    assert.equal(stringLiteral("it's"), "'it''s'");
    assert.throws(() => stringLiteral('a\u0000b'), /NUL/);
    for (const value of [0.1, -36.9250233, 1e-300, 123456789.123, 0]) {
      const literal = doubleLiteral(value);
      assert.match(literal, /e/, 'scientific notation is a DOUBLE literal in both engines, not a DECIMAL');
      assert.equal(Number(literal), value);
    }
    assert.throws(() => doubleLiteral(Number.NaN), /non-finite/);
    assert.throws(() => doubleLiteral(Number.POSITIVE_INFINITY), /non-finite/);
  });

  it('normalise instants to UTC milliseconds and refuse zone-less date-times', () => {
    assert.equal(isoUtc('2024-06-03T02:00:00+02:00'), '2024-06-03T00:00:00.000Z');
    assert.equal(isoUtc('2024-06-03'), '2024-06-03T00:00:00.000Z');
    assert.throws(() => isoUtc('2024-06-03T00:00:00'), /with a zone/);
    assert.throws(() => isoUtc('2024-02-30T00:00:00Z'), SqlBuildError);
    assert.throws(() => normaliseWindow({ start: '2024-06-04', end: '2024-06-03' }), /not before/);
    assert.deepEqual(normaliseWindow({ start: '2024-06-03', end: '2024-06-04T00:00:00Z' }), {
      start: '2024-06-03T00:00:00.000Z',
      end: '2024-06-04T00:00:00.000Z',
    });
  });

  it('spell the engine-specific functions', () => {
    assert.equal(duckdbDialect.timestampLiteral('2024-06-03T00:00:00Z'), "TIMESTAMP '2024-06-03 00:00:00.000'");
    assert.equal(athenaDialect.timestampLiteral('2024-06-03T00:00:00Z'), "from_iso8601_timestamp('2024-06-03T00:00:00.000Z')");
    assert.equal(duckdbDialect.quantile('x', 0.05), 'quantile_cont(x, 0.05)');
    assert.equal(athenaDialect.quantile('x', 0.05), 'approx_percentile(x, 0.05)');
    assert.throws(() => athenaDialect.quantile('x', 1.5), /outside \[0, 1\]/);
    assert.equal(duckdbDialect.isoDayOfWeek('t'), 'isodow(t)');
    assert.equal(athenaDialect.isoDayOfWeek('t'), 'day_of_week(t)');
    assert.equal(duckdbDialect.isFinite('v'), 'isfinite(v)');
    assert.equal(athenaDialect.isFinite('v'), 'is_finite(v)');
    assert.equal(duckdbDialect.stddevSamp('v'), 'stddev_samp(v)');
    assert.equal(athenaDialect.stddevSamp('v'), 'stddev_samp(v)');
    assert.equal(duckdbDialect.tryCast('v', 'double'), 'TRY_CAST(v AS DOUBLE)');
    assert.equal(athenaDialect.tryCast('v', 'bigint'), 'TRY_CAST(v AS BIGINT)');
    assert.equal(duckdbDialect.tryCast('v', 'boolean'), athenaDialect.tryCast('v', 'boolean'));
    assert.match(duckdbDialect.fullMatch('v', 'a+'), /^regexp_full_match\(v, 'a\+'\)$/);
    assert.equal(athenaDialect.fullMatch('v', 'a+'), "regexp_like(v, '^(?:a+)$')");
    assert.match(athenaDialect.parseTimestamp('t'), /from_iso8601_timestamp\(CAST\(t AS VARCHAR\)\) AT TIME ZONE 'UTC'/);
    assert.match(duckdbDialect.parseTimestamp('t'), /timezone\('UTC', TRY_CAST\(t AS TIMESTAMPTZ\)\)/);
  });

  it('hash record ids to [0, 1) from the same 32 bits of MD5 in both engines', () => {
    assert.match(duckdbDialect.uniformHash('id'), /substr\(md5\(CAST\(id AS VARCHAR\)\), 1, 8\)/);
    assert.match(athenaDialect.uniformHash('id'), /from_base\(substr\(to_hex\(md5\(to_utf8\(CAST\(id AS VARCHAR\)\)\)\), 1, 8\), 16\)/);
    for (const d of [duckdbDialect, athenaDialect]) assert.match(d.uniformHash('id'), /\/ 4\.294967296e9\)$/);
  });

  it('build JSON objects of text values', () => {
    assert.equal(duckdbDialect.jsonObject([['a', 'x'], ["it's", 'y']]), `CAST(json_object('a', x, 'it''s', y) AS VARCHAR)`);
    // Athena: one single-key map per member, so the keys keep their order (a map's JSON sorts them).
    const member = (key: string, value: string): string => {
      const one = `json_format(CAST(MAP(ARRAY['${key}'], ARRAY[CAST(${value} AS VARCHAR)]) AS JSON))`;
      return `substr(${one}, 2, length(${one}) - 2)`;
    };
    assert.equal(athenaDialect.jsonObject([['b', 'x'], ['a', 'y']]), `('{' || ${member('b', 'x')} || ',' || ${member('a', 'y')} || '}')`);
    assert.equal(athenaDialect.jsonObject([]), `('{' || '' || '}')`);
  });

  it('say which quantiles are exact and are found by name', () => {
    assert.equal(dialectFor('duckdb'), duckdbDialect);
    assert.equal(dialectFor('athena'), athenaDialect);
    assert.equal(duckdbDialect.exactQuantiles, true);
    assert.equal(athenaDialect.exactQuantiles, false);
  });
});
