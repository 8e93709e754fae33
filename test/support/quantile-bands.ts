// Athena fills some columns from approx_percentile (quality.ts, bins.ts); DuckDB's are exact. To
// compare the two, the DuckDB text is run again with every quantile moved by ± rankError: an
// approximate answer must lie between those two exact ones (see answers-agree.ts).
import { type DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { duckdbDialect, type SqlDialect } from '../../src/domain/sql/dialect.js';
import { type QuantileBands } from './answers-agree.js';

/** The columns Athena fills from approx_percentile. */
export const approximateColumns: ReadonlySet<string> = new Set(['p5', 'p50', 'p95', ...Array.from({ length: 10 }, (_, i) => `q_${i + 1}`)]);

/**
 * How far in rank (q) Trino's approx_percentile may stray: loose on purpose, because on integer
 * features Trino interpolates between adjacent values (5.23 where the exact median is 5).
 */
export const rankError = 0.05;

function shiftedQuantiles(shift: number): SqlDialect {
  return { ...duckdbDialect, quantile: (expr, q) => duckdbDialect.quantile(expr, Math.min(1, Math.max(0, q + shift))) };
}

/** The exact answers at q - rankError and q + rankError of the query `sqlFor` builds. */
export async function quantileBands(warehouse: DuckDbWarehouse, sqlFor: (dialect: SqlDialect) => string): Promise<QuantileBands> {
  const low = (await warehouse.query(sqlFor(shiftedQuantiles(-rankError)))).rows;
  const high = (await warehouse.query(sqlFor(shiftedQuantiles(rankError)))).rows;
  return { columns: approximateColumns, low, high };
}
