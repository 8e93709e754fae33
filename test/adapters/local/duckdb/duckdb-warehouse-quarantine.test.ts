// The contract applied in SQL on DuckDB: conversion, defaults, quarantine with reasons, the window's
// bounds, scored predictions, and deterministic sampling.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import {
  decodeNumericDistance,
  decodeQuality,
  decodeQuarantineCount,
  decodeRowsToScore,
  decodeWindowSummary,
  numericDistanceSql,
  qualitySql,
  quarantineCountSql,
  quarantineSql,
  rowsToScoreSql,
  windowSummarySql,
} from '../../../../src/domain/sql/monitoring-queries.js';
import { type MonitoringQueryInput } from '../../../../src/domain/sql/query-input.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import {
  baselineRow,
  contractOf,
  createSources,
  inputOf,
  load,
  productionRow,
  rowsOf,
  tablesOf,
} from '../../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'shop',
  features: [
    { name: 'price', type: 'float', min: 0, max: 100 },
    { name: 'footfall', type: 'int' },
    { name: 'region', type: 'category', default: 'unknown', categories: ['north', 'south', 'unknown'] },
    { name: 'promo', type: 'bool', default: false },
  ],
});
const tables = tablesOf('shop');
const quarantinedAt = '2024-06-11T00:00:00Z';

type Features = { price: string | null; footfall: string | null; region: string | null; promo: string | null };
const good = (price: string, overrides: Partial<Features> = {}): Features => ({ price, footfall: '10', region: 'north', promo: 'no', ...overrides });

describe('monitoring SQL on DuckDB: contract, quarantine and sampling', () => {
  let warehouse: DuckDbWarehouse;
  const input: MonitoringQueryInput = inputOf(contract);

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    await createSources(warehouse, contract);
    await load(warehouse, tables.baseline, [baselineRow(0, good('1'), 1, 1)]);
  });
  after(async () => {
    await warehouse.close();
  });

  describe('a window with malformed rows', () => {
    before(async () => {
      const rows: Row[] = [
        productionRow(0, good('10'), 1),
        productionRow(1, good(' 20 ', { region: null, promo: '' }), 2),
        productionRow(2, good('150', { region: 'west', footfall: '3.0' }), 3),
        productionRow(3, good('abc'), 4),
        productionRow(4, good('30', { footfall: null }), 5),
        productionRow(5, good('nan', { footfall: '3.5', promo: 'maybe' }), 6),
        productionRow(6, good('0x1A'), 7),
        { ...productionRow(7, good('40'), 8), record_id: null },
        productionRow(8, good('1e1'), 9),
      ];
      await load(warehouse, tables.productionLog, rows);
    });

    it('quarantines each invalid row once, with reasons naming the feature and the value', async () => {
      const statements = quarantineSql(input, { quarantinedAt });
      await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql);
      await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql);
      const { rows } = await warehouse.query(`SELECT record_id, reason, raw_record, window_start, window_end, quarantined_at FROM quarantine ORDER BY record_id NULLS LAST`);
      assert.deepEqual(
        rows.map((r) => [r['record_id'], r['reason']]),
        [
          ['r3', 'price: "abc" is not a float'],
          ['r4', 'footfall: missing'],
          ['r5', 'price: "nan" is not a float; footfall: "3.5" is not an int; promo: "maybe" is not a bool'],
          ['r6', 'price: "0x1A" is not a float'],
          [null, 'record_id: missing'],
        ],
      );
      const raw = JSON.parse(String(rows[0]?.['raw_record'])) as Record<string, unknown>;
      assert.deepEqual(raw, {
        record_id: 'r3',
        event_time: '2024-06-03T00:03:00.000Z',
        prediction: '4.0',
        model_version: 'v1',
        price: 'abc',
        footfall: '10',
        region: 'north',
        promo: 'no',
      });
      assert.deepEqual(
        [rows[0]?.['window_start'], rows[0]?.['window_end'], rows[0]?.['quarantined_at']],
        ['2024-06-03T00:00:00.000Z', '2024-06-10T00:00:00.000Z', '2024-06-11T00:00:00.000Z'],
      );
      assert.equal(decodeQuarantineCount(await rowsOf(warehouse, quarantineCountSql(input))), 5);
    });

    it('the DELETE and INSERT statements give the same rows, rerun or not', async () => {
      const statements = quarantineSql(input, { quarantinedAt });
      for (let run = 0; run < 2; run += 1) {
        await warehouse.execute(statements.delete.sql);
        await warehouse.execute(statements.insert.sql);
      }
      assert.equal(decodeQuarantineCount(await rowsOf(warehouse, quarantineCountSql(input))), 5);
    });

    it('counts the window: all rows, invalid rows, the sample', async () => {
      assert.deepEqual(decodeWindowSummary(await rowsOf(warehouse, windowSummarySql(input))), {
        totalRows: 9,
        invalidRows: 5,
        sampledRows: 9,
        sampledValidRows: 4,
        predictionRows: 4,
        scoredPredictionRows: 0,
        missingPredictionRows: 0,
        coveredDays: 1,
      });
    });

    it('leaves quarantined rows out of the statistics and applies defaults', async () => {
      const quality = decodeQuality(await rowsOf(warehouse, qualitySql(input)));
      const byName = new Map(quality.map((q) => [q.feature, q]));
      // Valid prices: 10, 20 (trimmed), 150 and 1e1 = 10.
      assert.deepEqual(
        [byName.get('price')?.validRows, byName.get('price')?.typeErrors, byName.get('price')?.outOfRange, byName.get('price')?.mean],
        [4, 3, 1, 47.5],
      );
      assert.deepEqual([byName.get('footfall')?.missing, byName.get('footfall')?.typeErrors], [1, 1]);
      // region: one missing (defaulted to 'unknown'), one 'west' outside the categories.
      assert.deepEqual([byName.get('region')?.missing, byName.get('region')?.outOfRange, byName.get('region')?.mean], [1, 1, null]);
      assert.deepEqual([byName.get('promo')?.missing, byName.get('promo')?.typeErrors], [1, 1]);
      const price = decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(input))).find((d) => d.subject === 'price');
      assert.equal(price?.m, 4);
      assert.equal(price?.currentMean, 47.5);
    });
  });

  describe('window bounds and predictions', () => {
    before(async () => {
      await load(warehouse, tables.productionLog, [
        { ...productionRow(0, good('1'), 1), event_time: '2024-06-03T00:00:00Z' },
        { ...productionRow(1, good('1'), 1), event_time: '2024-06-10T00:00:00Z' },
        { ...productionRow(2, good('1'), 1), event_time: '2024-06-03T01:30:00+02:00' },
        { ...productionRow(3, good('1'), 1), event_time: '2024-06-02T23:59:59.999Z' },
        { ...productionRow(4, good('1'), 1), event_time: '2024-06-09 23:00:00' },
        { ...productionRow(5, good('1'), 1), event_time: 'not a time' },
        productionRow(6, good('2'), null),
        productionRow(7, good('3'), null),
      ]);
      await load(warehouse, 'scored_predictions', [
        { record_id: 'r6', prediction: 60, model_version: 'v1', endpoint: 'p', scored_at: '2024-06-10T00:00:00.000Z', model: 'shop' },
        { record_id: 'r6', prediction: 61, model_version: 'v2', endpoint: 'p', scored_at: '2024-06-11T00:00:00.000Z', model: 'shop' },
        { record_id: 'r7', prediction: 70, model_version: 'v1', endpoint: 'p', scored_at: '2024-06-11T00:00:00.000Z', model: 'other' },
      ]);
    });

    it('takes [start, end) in UTC, with zone offsets honoured and zone-less text read as UTC', async () => {
      const summary = decodeWindowSummary(await rowsOf(warehouse, windowSummarySql(input)));
      // r0 (at start), r4, r6, r7 are in; r1 (at end), r2 (23:30 UTC the day before), r3, r5 are out.
      assert.equal(summary.totalRows, 4);
    });

    it('uses the latest scored prediction of the model when none was logged', async () => {
      const summary = decodeWindowSummary(await rowsOf(warehouse, windowSummarySql(input)));
      assert.deepEqual([summary.predictionRows, summary.scoredPredictionRows, summary.missingPredictionRows], [3, 1, 1]);
      const distance = decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(input))).find((d) => d.subject === 'prediction');
      assert.equal(distance?.currentMean, (1 + 1 + 61) / 3);
      const toScore = decodeRowsToScore(await rowsOf(warehouse, rowsToScoreSql(input, { limit: 10 })), contract);
      assert.deepEqual(toScore, [{ recordId: 'r7', features: { price: 3, footfall: 10, region: 'north', promo: false } }]);
    });
  });

  describe('deterministic sampling', () => {
    const total = 2000;

    async function sampledIds(rate: number): Promise<string[]> {
      const built = rowsToScoreSql({ ...input, sampleRate: rate }, { limit: total });
      return decodeRowsToScore(await rowsOf(warehouse, built), contract).map((r) => r.recordId);
    }

    before(async () => {
      await load(warehouse, 'scored_predictions', []);
      await load(
        warehouse,
        tables.productionLog,
        Array.from({ length: total }, (_, i) => productionRow(i, good(String(i % 50)), null)),
      );
    });

    it('keeps the same rows on every run, about the configured share', async () => {
      const first = await sampledIds(0.3);
      const second = await sampledIds(0.3);
      assert.deepEqual(first, second);
      // Binomial(2000, 0.3): mean 600, sd ~20.5.
      assert.ok(first.length > 500 && first.length < 700, `kept ${first.length}`);
      const summary = decodeWindowSummary(await rowsOf(warehouse, windowSummarySql({ ...input, sampleRate: 0.3 })));
      assert.equal(summary.totalRows, total);
      assert.equal(summary.sampledRows, first.length);
    });

    it('depends only on the record id: a smaller rate keeps a subset, other rows change nothing', async () => {
      const wide = new Set(await sampledIds(0.3));
      const narrow = await sampledIds(0.1);
      assert.ok(narrow.length > 0 && narrow.every((id) => wide.has(id)));
      await load(
        warehouse,
        tables.productionLog,
        Array.from({ length: total }, (_, i) => productionRow(i + (i % 2 === 0 ? 0 : total), good('1'), null)),
      );
      const evenIds = [...wide].filter((id) => Number(id.slice(1)) % 2 === 0).sort();
      const after = (await sampledIds(0.3)).filter((id) => Number(id.slice(1)) < total).sort();
      assert.deepEqual(after, evenIds);
    });

    it('keeps every row at rate 1 and refuses rates outside (0, 1]', async () => {
      assert.equal((await sampledIds(1)).length, total);
      assert.throws(() => rowsToScoreSql({ ...input, sampleRate: 0 }, { limit: 1 }), /sample rate 0 is not in \(0, 1\]/);
      assert.throws(() => rowsToScoreSql({ ...input, sampleRate: 1.5 }, { limit: 1 }), /sample rate 1.5/);
    });
  });
});
