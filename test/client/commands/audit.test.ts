// `vigil audit` on a local deployment: the audit trail from the results' snapshot, while the
// worker's warehouse holds the database file; filters by model, time and action.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { WarehouseAuditLog } from '../../../src/adapters/warehouse/warehouse-audit-log.js';
import { auditCommand, sinceInstant } from '../../../src/client/commands/audit.js';
import { writeDemoConfig } from '../../../src/demo/demo-config.js';
import { auditSummary } from '../../../src/domain/audit/audit-summary.js';
import { capturedConsole } from '../../support/console-capture.js';

describe('vigil audit', () => {
  let dir: string;
  let configPath: string;
  let warehouse: DuckDbWarehouse;
  const printed = capturedConsole();
  const now = new Date('2026-12-06T12:00:00.000Z');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-audit-'));
    configPath = await writeDemoConfig(dir);
    warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb'), resultsExportDir: join(dir, 'results') });
    await warehouse.ensureResultTables();
    const audit = new WarehouseAuditLog(warehouse);
    await audit.record({ id: 'a', at: '2026-11-01T08:00:00Z', actor: 'slack:alice', action: 'approve', model: 'demand', detail: { version: 'v2', reason: 'holdout RMSE 12.1 < 14.3' }, workflowId: 'vigil-retrain-demand-1' });
    await audit.record({ id: 'b', at: '2026-12-01T09:00:00Z', actor: 'vigil-deploy', action: 'deploy.staging-retired', model: 'demand', detail: { endpoint: 'demand-staging' } });
    await audit.record({ id: 'c', at: '2026-12-05T04:00:00Z', actor: 'vigil-cleanup', action: 'cleanup.deleted', model: 'demand', detail: { version: 'v1', rule: 'beyond-newest', resources: ['a', 'b'] } });
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every event, oldest first, with who and what', async () => {
    const events = await auditCommand({ config: configPath, now });
    assert.deepEqual(events.map((event) => event.id), ['a', 'b', 'c']);
    const text = printed.join('\n');
    assert.match(text, /2026-11-01T08:00:00.000Z +demand +approve +slack:alice +version=v2 reason=holdout RMSE 12.1 < 14.3 +vigil-retrain-demand-1/);
    assert.match(text, /cleanup.deleted +vigil-cleanup +version=v1 rule=beyond-newest resources=2 items/);
    assert.match(text, /\(3 events\)$/);
  });

  it('keeps the events since a span or a date, and of the actions asked for', async () => {
    assert.deepEqual((await auditCommand({ config: configPath, since: '7d', now })).map((event) => event.id), ['b', 'c']);
    assert.deepEqual((await auditCommand({ config: configPath, since: '2026-12-02', now })).map((event) => event.id), ['c']);
    printed.length = 0;
    assert.deepEqual((await auditCommand({ config: configPath, action: 'approve,cleanup.*', model: 'demand', now, json: true })).map((event) => event.id), ['a', 'c']);
    assert.equal((JSON.parse(printed[0] ?? '') as { actor: string }).actor, 'slack:alice');
  });

  it('says what is wrong in one line', async () => {
    await assert.rejects(auditCommand({ config: configPath, model: 'nope' }), /no model "nope" \(models: demand\)/);
    assert.throws(() => sinceInstant('last week', now), /--since must be a span such as 30d or a date such as 2026-11-01, got "last week"/);
  });

  it('summarises a detail with the fields a reader looks for first', () => {
    assert.equal(auditSummary({ zeta: 1, reason: 'r', version: 'v3', nested: { a: 1 }, empty: '' }), 'version=v3 reason=r zeta=1');
    assert.equal(auditSummary(undefined), '');
  });
});
