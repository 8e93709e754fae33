// Athena plans like Trino: every reference to a WITH query is planned anew, and a plan of over 150
// stages is refused (QUERY_HAS_TOO_MANY_STAGES). A query with a part per feature would pass on the
// small fixtures and be refused for a model with many features, so each monitoring query's Athena
// text is planned and run here over a contract of 40 features of every type (empty tables: only
// the plan matters), with Trino's default limit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type FeatureContractJson } from '../../../src/domain/contract/contract.js';
import { athenaDialect } from '../../../src/domain/sql/dialect.js';
import { numericSubjects } from '../../../src/domain/sql/query-input.js';
import { monitoringQueryBuilders } from '../../support/query-builders.js';
import { trinoOrSkip } from '../../support/trino.js';
import { type TrinoClient } from '../../support/trino/client.js';
import { mirrorToTrino } from '../../support/trino/parquet-tables.js';
import { asOf, contractOf, createSources, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

/** Trino's default query_max_stage_count, which Athena keeps. */
const stageLimit = 150;

type FeatureJson = FeatureContractJson['features'][number];

const features: FeatureJson[] = Array.from({ length: 40 }, (_, i): FeatureJson => {
  switch (i % 4) {
    case 0:
      return { name: `f${i}`, type: 'float', min: 0, max: 100 };
    case 1:
      return { name: `f${i}`, type: 'int', default: 0 };
    case 2:
      return { name: `f${i}`, type: 'category', categories: ['a', 'b', 'c'] };
    default:
      return { name: `f${i}`, type: 'bool', default: false };
  }
});
const contract = contractOf({ model: 'wide', features });
const tables = tablesOf('wide');

describe('Athena SQL of a 40-feature model on Trino', () => {
  let warehouse: DuckDbWarehouse;
  let trino: TrinoClient;
  let dir: string;
  const stages: string[] = [];

  before(async function () {
    trino = await trinoOrSkip(this);
    warehouse = await DuckDbWarehouse.open();
    dir = await mkdtemp(join(tmpdir(), 'vigil-athena-wide-'));
    await createSources(warehouse, contract);
    const names = [tables.productionLog, tables.labels, tables.baseline, tables.scoredPredictions];
    trino = await mirrorToTrino(warehouse, trino, names, { dir, catalog: 'hive', schema: 'wide' });
  });
  after(async () => {
    if (stages.length > 0) console.error(`Trino plan stages per query, 40 features (limit ${stageLimit}): ${stages.join(', ')}`);
    await warehouse?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const edges = new Map(numericSubjects(contract).map((subject) => [subject.subject, [1, 2, 3]]));
  const builders = monitoringQueryBuilders(edges, { asOf, facets: ['weekend', 'f2', 'f3'], bins: 10 });
  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: planned within the stage limit and run`, async () => {
      const sql = build({ contract, tables, window: testWindow, sampleRate: 0.5, dialect: athenaDialect }).sql;
      const plan = await trino.query(`EXPLAIN (TYPE DISTRIBUTED) ${sql}`);
      const fragments = plan.rows.map((row) => String(Object.values(row)[0])).join('\n').match(/^Fragment \d+/gm)?.length ?? 0;
      stages.push(`${name} ${fragments}`);
      assert.ok(fragments > 0 && fragments <= stageLimit, `${name}: ${fragments} stages`);
      // Running it is what Athena would refuse past the limit.
      await trino.query(sql);
    });
  }
});
