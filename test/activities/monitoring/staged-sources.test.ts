// A window's staged rows kept by prepareWindow for the analysis of the same run: taken when they
// are what the analysis would stage, staged anew when predictions were scored in between or the
// staging differs, and never left behind.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { withStagedSources } from '../../../src/activities/monitoring/staged-sources.js';
import { decodeWindowSummary, windowSummarySql } from '../../../src/domain/sql/monitoring-queries.js';
import { contractOf, createSources, inputOf, load, productionRow, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

const contract = contractOf({ model: 'kept', features: [{ name: 'x', type: 'float' }] });
const input = inputOf(contract, { window: testWindow });
const nothing = (): Promise<void> => Promise.resolve();

function stagedTables(warehouse: DuckDbWarehouse): Promise<string[]> {
  return warehouse.stagedTables();
}

describe('staged window kept between activities', () => {
  let warehouse: DuckDbWarehouse;
  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open();
    await createSources(warehouse, contract, () => 'DOUBLE');
    await load(warehouse, tablesOf('kept').productionLog, [1, 2, 3].map((v, i) => productionRow(i, { x: v }, v)));
  });
  afterEach(async () => {
    await warehouse.close();
  });

  it('is taken by the analysis that asks for it, then dropped', async () => {
    const steps: string[] = [];
    const onStep = (step: string): void => void steps.push(step);
    await withStagedSources(warehouse, input, { keepWindowAs: 'run-1', onStep }, nothing);
    const kept = await stagedTables(warehouse);
    assert.equal(kept.length, 1, 'the window stays staged after the first activity');
    steps.length = 0;
    const rows = await withStagedSources(warehouse, input, { takeWindowFrom: 'run-1', onStep }, async (staged) => {
      assert.equal(staged.staged?.windowSource, kept[0]);
      return decodeWindowSummary((await warehouse.query(windowSummarySql(staged).sql)).rows).totalRows;
    });
    assert.equal(rows, 3);
    assert.deepEqual(steps, [], 'nothing staged again');
    assert.deepEqual(await stagedTables(warehouse), []);
  });

  it('is staged anew when predictions were scored since, or when the staging differs', async () => {
    await withStagedSources(warehouse, input, { keepWindowAs: 'run-2' }, nothing);
    const steps: string[] = [];
    await withStagedSources(warehouse, input, { takeWindowFrom: 'run-2', keptWindowStale: true, onStep: (s) => void steps.push(s) }, nothing);
    assert.deepEqual(steps, ['stage-window:kept']);
    assert.deepEqual(await stagedTables(warehouse), [], 'the stale one is dropped too');

    await withStagedSources(warehouse, input, { keepWindowAs: 'run-3' }, nothing);
    steps.length = 0;
    const longer = { start: '2024-05-27T00:00:00Z', end: testWindow.end };
    await withStagedSources(warehouse, input, { takeWindowFrom: 'run-3', span: longer, onStep: (s) => void steps.push(s) }, nothing);
    assert.deepEqual(steps, ['stage-window:kept'], 'another span is another staging');
    assert.deepEqual(await stagedTables(warehouse), []);
  });

  it('is dropped, not kept, when the work fails', async () => {
    await assert.rejects(
      withStagedSources(warehouse, input, { keepWindowAs: 'run-4' }, () => Promise.reject(new Error('query failed'))),
      /query failed/,
    );
    assert.deepEqual(await stagedTables(warehouse), []);
  });
});
