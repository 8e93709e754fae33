// A day-of-week feature compared as rows per day of each weekday: a 7-day window against a month
// whose calendar holds some weekdays five times is not drift; a change in one weekday's traffic is.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type FeatureContract } from '../../../../src/domain/contract/contract.js';
import { categoryCountsSql, decodeCategoryCounts } from '../../../../src/domain/sql/monitoring-queries.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import { categoricalDrift } from '../../../../src/domain/stats/categorical-drift.js';
import { contractOf, createSources, inputOf, load, rowsOf, tablesOf } from '../../../support/warehouse-fixtures.js';

const dayMs = 86_400_000;
const window = { start: '2024-02-05T00:00:00Z', end: '2024-02-12T00:00:00Z' };

/** `perDay(isoWeekday)` rows on each day from `start` for `days` days, dow = ISO weekday (1-7) as CSV text. */
function days(start: string, count: number, perDay: (weekday: number) => number): { event_time: string; dow: string }[] {
  const rows: { event_time: string; dow: string }[] = [];
  for (let day = 0; day < count; day += 1) {
    const at = Date.parse(start) + day * dayMs;
    const weekday = ((new Date(at).getUTCDay() + 6) % 7) + 1;
    for (let i = 0; i < perDay(weekday); i += 1) rows.push({ event_time: new Date(at + i * 60_000).toISOString(), dow: String(weekday) });
  }
  return rows;
}

describe('calendar features in the DuckDB category counts', function () {
  this.timeout(30_000);
  let warehouse: DuckDbWarehouse;
  const calendarContract = contractOf({ model: 'shop', features: [{ name: 'dow', type: 'int', min: 1, max: 7, calendar: 'weekday' }] });
  const plainContract = contractOf({ model: 'shop', features: [{ name: 'dow', type: 'category' }] });

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
  });
  after(async () => {
    await warehouse.close();
  });

  async function drift(contract: FeatureContract, baseline: ReturnType<typeof days>, current: ReturnType<typeof days>) {
    const tables = tablesOf('shop');
    await createSources(warehouse, contract);
    const production: Row[] = current.map((row, i) => ({ record_id: `r${i}`, ...row, prediction: 1, model_version: 'v1' }));
    await load(warehouse, tables.productionLog, production);
    await load(warehouse, tables.baseline, baseline.map((row) => ({ ...row, prediction: 1, label: 1 })));
    const counts = decodeCategoryCounts(await rowsOf(warehouse, categoryCountsSql(inputOf(contract, { window }))), contract).get('dow');
    assert.ok(counts !== undefined);
    return { counts, drift: categoricalDrift(counts.baselineCounts, counts.currentCounts) };
  }

  it('January (five Mondays to Wednesdays) against one February week: no drift as a calendar feature, drift as a plain category', async () => {
    const steady = (): number => 10;
    const january = days('2024-01-01T00:00:00Z', 31, steady);
    const week = days(window.start, 7, steady);
    const calendar = await drift(calendarContract, january, week);
    assert.equal(calendar.counts.outsideCalendarShare, 0);
    assert.deepEqual(calendar.counts.categories, ['1', '2', '3', '4', '5', '6', '7']);
    assert.ok(Math.abs(calendar.drift.jsDistance ?? 1) < 1e-12, `JS ${calendar.drift.jsDistance}`);
    assert.ok((calendar.drift.chi2PValue ?? 0) > 0.999);
    const plain = await drift(plainContract, january, week);
    assert.ok((plain.drift.psi ?? 0) > 0.01, `plain PSI ${plain.drift.psi}`);
  });

  it('weekend traffic doubling is drift as a calendar feature', async () => {
    const january = days('2024-01-01T00:00:00Z', 31, () => 10);
    const week = days(window.start, 7, (weekday) => (weekday >= 6 ? 20 : 10));
    const { drift: calendar } = await drift(calendarContract, january, week);
    assert.ok((calendar.jsDistance ?? 0) > 0.1, `JS ${calendar.jsDistance}`);
  });

  it('a weekday the baseline never covered is left out and reported', async () => {
    // Monday to Saturday only: Sunday is outside the baseline's calendar.
    const sixDays = days('2024-01-01T00:00:00Z', 6, () => 10);
    const week = days(window.start, 7, () => 10);
    const { counts, drift: calendar } = await drift(calendarContract, sixDays, week);
    assert.deepEqual(counts.categories, ['1', '2', '3', '4', '5', '6']);
    assert.ok(Math.abs((counts.outsideCalendarShare ?? 0) - 1 / 7) < 1e-12);
    assert.ok(Math.abs(calendar.jsDistance ?? 1) < 1e-12);
  });
});
