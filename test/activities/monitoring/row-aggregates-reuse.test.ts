// A re-evaluation of a window whose rows did not change takes the drift, quality, summary and
// category counts an earlier analysis computed, and computes only what reads the labels (and its
// preparation takes the earlier counts, its quarantine standing); any change to the window's or
// the baseline's rows computes everything again. Either way the answer is the one a full analysis
// gives.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { collectWindowAggregates, type CollectOptions } from '../../../src/activities/monitoring/collect-aggregates.js';
import { prepareInWarehouse } from '../../../src/activities/monitoring/prepare-queries.js';
import type { WindowAggregates } from '../../../src/domain/monitoring/window-aggregates.js';
import type { QueryOptions, Warehouse } from '../../../src/ports/warehouse.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { assertClose } from '../../support/assert-close.js';
import { baselineRow, contractOf, createSources, inputOf, load, productionRow, tablesOf } from '../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'reused',
  features: [
    { name: 'x', type: 'float' },
    { name: 'kind', type: 'category', categories: ['a', 'b', 'c'] },
  ],
});
const input = inputOf(contract);
const tables = tablesOf('reused');
const firstAsOf = '2024-06-12T00:00:00Z';
const laterAsOf = '2024-06-20T00:00:00Z';

function production(shift = 0): Row[] {
  return Array.from({ length: 240 }, (_, i) => productionRow(i, { x: String(((i * 37) % 101) / 7 + shift), kind: ['a', 'b', 'c'][i % 3] ?? 'a' }, 10 + (i % 13)));
}

/** Half the labels arrive before the first evaluation, the rest before the later one. */
function labels(): Row[] {
  return Array.from({ length: 240 }, (_, i) => ({ record_id: `r${i}`, label: 11 + (i % 11), label_time: i % 2 === 0 ? '2024-06-11T00:00:00Z' : '2024-06-15T00:00:00Z' }));
}

/** Plain data: Maps as their entries. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v.entries()] : v)));
}

/** Equal but for rounding: DuckDB adds up a sum in an order of its own on each run. */
function assertSameNumbers(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') return assertClose(actual, expected, { relative: 1e-9, absolute: 1e-12 }, path);
  if (Array.isArray(expected) && Array.isArray(actual)) {
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((item, index) => assertSameNumbers(actual[index], item, `${path}[${index}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [key, item] of Object.entries(expected)) assertSameNumbers((actual as Record<string, unknown>)[key], item, `${path}.${key}`);
    return;
  }
  assert.equal(actual, expected, path);
}

/** The same answer as `expected`, whichever statements computed it. */
function assertSameAnswer(actual: WindowAggregates, expected: WindowAggregates): void {
  const { queryIds: _a, bytesScanned: _b, ...answer } = actual;
  const { queryIds: _c, bytesScanned: _d, ...wanted } = expected;
  assertSameNumbers(plain(answer), plain(wanted), 'aggregates');
}

describe('re-evaluations over unchanged rows', () => {
  let warehouse: DuckDbWarehouse;
  let recorded: Warehouse;
  const labelsRun: string[] = [];

  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open();
    await createSources(warehouse, contract);
    await load(warehouse, tables.productionLog, production());
    await load(warehouse, tables.baseline, Array.from({ length: 300 }, (_, i) => baselineRow(i, { x: String((i % 97) / 7), kind: ['a', 'b', 'c'][i % 2] ?? 'a' }, 12, 12)));
    await load(warehouse, tables.labels, labels());
    labelsRun.length = 0;
    // The same warehouse, recording the label of every statement the analysis runs.
    recorded = Object.create(warehouse, {
      query: { value: (sql: string, options?: QueryOptions) => (labelsRun.push(options?.label ?? '?'), warehouse.query(sql, options)) },
    }) as Warehouse;
  });
  afterEach(async () => {
    await warehouse.close();
  });

  const collect = (on: Warehouse, options: Partial<CollectOptions> & { asOf: string }): Promise<WindowAggregates> =>
    collectWindowAggregates(on, input, { bins: 10, facets: [], ...options });

  it('takes the row aggregates of an earlier analysis and computes the label ones: the answer of a full analysis', async () => {
    const first = await collect(recorded, { asOf: firstAsOf, reuseUnchangedRows: true });
    assert.ok(labelsRun.some((label) => label.startsWith('distance:')), labelsRun.join(', '));
    labelsRun.length = 0;
    const again = await collect(recorded, { asOf: laterAsOf, reuseUnchangedRows: true });
    assert.deepEqual(
      labelsRun.filter((label) => !label.startsWith('unstage')),
      ['fingerprint:reused', 'performance:reused'],
      'only the fingerprints and what reads the labels ran',
    );
    const full = await collect(warehouse, { asOf: laterAsOf });
    assertSameAnswer(again, full);
    assert.deepEqual(again.distances, first.distances);
    assert.notDeepEqual(again.performance, first.performance, 'the labels that arrived since count');
    assert.equal(again.queryIds.length, 2, 'the statements this analysis ran: the fingerprints and the performance');
    assert.ok(first.queryIds.every((id) => id !== '' && !again.queryIds.includes(id)));
  });

  it('computes everything again when a window row or a baseline row changed', async () => {
    await collect(recorded, { asOf: firstAsOf, reuseUnchangedRows: true });
    await load(warehouse, tables.productionLog, production(0.5));
    labelsRun.length = 0;
    const changed = await collect(recorded, { asOf: laterAsOf, reuseUnchangedRows: true });
    assert.ok(labelsRun.some((label) => label.startsWith('distance:')), 'a changed window is analysed again');
    assertSameAnswer(changed, await collect(warehouse, { asOf: laterAsOf }));

    // One more baseline row, identical to one already there: counted twice, so not the same rows.
    const baseline = (await warehouse.query(`SELECT * FROM "${tables.baseline}" LIMIT 1`)).rows;
    await warehouse.appendRows(tables.baseline, baseline);
    labelsRun.length = 0;
    const grown = await collect(recorded, { asOf: laterAsOf, reuseUnchangedRows: true });
    assert.ok(labelsRun.some((label) => label.startsWith('distance:')), 'a changed baseline is compared again');
    assertSameAnswer(grown, await collect(warehouse, { asOf: laterAsOf }));
  });

  it('reads no fingerprint unless asked to reuse', async () => {
    await collect(recorded, { asOf: firstAsOf });
    await collect(recorded, { asOf: laterAsOf });
    assert.ok(!labelsRun.some((label) => label.startsWith('fingerprint')), labelsRun.join(', '));
    assert.equal(labelsRun.filter((label) => label.startsWith('distance:')).length >= 2, true);
  });

  it('leaves nothing staged', async () => {
    await collect(recorded, { asOf: firstAsOf, reuseUnchangedRows: true });
    await collect(recorded, { asOf: laterAsOf, reuseUnchangedRows: true });
    assert.deepEqual(await warehouse.stagedTables(), []);
  });

  it('prepares a re-evaluation of unchanged rows from what was prepared before: its quarantine stands, its counts are the same', async () => {
    const prepare = (reuseUnchangedRows: boolean, quarantinedAt: string) => prepareInWarehouse(recorded, input, { quarantinedAt, reuseUnchangedRows });
    const quarantined = async (): Promise<string[]> =>
      (await warehouse.query(`SELECT quarantined_at FROM quarantine WHERE model = 'reused'`)).rows.map((row) => String(row['quarantined_at']));
    await load(warehouse, tables.productionLog, [...production(), productionRow(240, { x: 'not a number', kind: 'a' }, 3)]);
    const first = await prepare(true, '2024-06-11T06:00:00Z');
    assert.equal(first.summary.invalidRows, 1);
    labelsRun.length = 0;
    const again = await prepare(true, '2024-06-12T06:00:00Z');
    assert.deepEqual(labelsRun.filter((label) => !label.startsWith('unstage')), ['fingerprint:reused'], 'no quarantine, summary or model versions again');
    assert.deepEqual({ ...again, bytesScanned: undefined }, { ...first, bytesScanned: undefined });
    assert.equal((await quarantined()).length, 1);
    assert.match((await quarantined())[0] ?? '', /2024-06-11/, 'the quarantine of the first preparation stands');

    // A row more: prepared again, its quarantine replaced.
    await load(warehouse, tables.productionLog, [...production(), productionRow(240, { x: 'not a number', kind: 'a' }, 3), productionRow(241, { x: '', kind: 'z' }, 3)]);
    labelsRun.length = 0;
    const grown = await prepare(true, '2024-06-13T06:00:00Z');
    assert.ok(labelsRun.includes('summary'), labelsRun.join(', '));
    assert.equal(grown.summary.totalRows, 242);
    assert.deepEqual({ ...grown, bytesScanned: undefined }, { ...(await prepareInWarehouse(warehouse, input, { quarantinedAt: '2024-06-13T06:00:00Z' })), bytesScanned: undefined });
  });
});
