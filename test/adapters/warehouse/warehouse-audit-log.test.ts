import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { WarehouseAuditLog } from '../../../src/adapters/warehouse/warehouse-audit-log.js';
import { NonRetryableError } from '../../../src/domain/errors.js';
import type { AuditEvent } from '../../../src/ports/audit-log.js';

const approval: AuditEvent = {
  id: 'vigil-deploy-demand-v2/approve',
  at: '2026-10-25T08:15:00Z',
  actor: 'slack:alice',
  action: 'approve',
  model: 'demand',
  detail: { version: 'v2', reason: 'holdout RMSE 12.1 < 14.3', checks: [1, 2], nested: { ok: true } },
  workflowId: 'vigil-deploy-demand-v2',
  runId: 'run-1',
};

describe('WarehouseAuditLog on DuckDB', () => {
  let warehouse: DuckDbWarehouse;
  let audit: WarehouseAuditLog;

  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open();
    await warehouse.ensureResultTables();
    audit = new WarehouseAuditLog(warehouse);
  });
  afterEach(async () => {
    await warehouse.close();
  });

  it('records an event and reads it back with its detail, the time in UTC with milliseconds', async () => {
    await audit.record(approval);
    assert.deepEqual(await audit.list({}), [{ ...approval, at: '2026-10-25T08:15:00.000Z' }]);
    const { rows } = await warehouse.query(`SELECT detail FROM audit_events`);
    assert.equal(typeof rows[0]?.['detail'], 'string', 'detail is stored as JSON text');
  });

  it('writes an event once however often it is recorded', async () => {
    await audit.record(approval);
    await audit.record(approval);
    await audit.record({ ...approval, detail: { version: 'v2', retried: true } });
    const events = await audit.list({ model: 'demand' });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]?.detail, { version: 'v2', retried: true });
  });

  it('filters by time and by action, exact or by prefix', async () => {
    const at = (hour: number): string => `2026-10-25T${String(hour).padStart(2, '0')}:00:00.000Z`;
    await audit.record({ id: 'a', at: at(1), actor: 'slack:alice', action: 'approve', model: 'demand' });
    await audit.record({ id: 'b', at: at(2), actor: 'vigil-deploy', action: 'deploy.staging-retired', model: 'demand' });
    await audit.record({ id: 'c', at: at(3), actor: 'vigil-cleanup', action: 'cleanup.deleted', model: 'demand' });
    await audit.record({ id: 'd', at: at(4), actor: 'vigil-cleanup', action: 'cleanup.deleted', model: 'churn' });
    const ids = async (filter: Parameters<WarehouseAuditLog['list']>[0]): Promise<string[]> => (await audit.list(filter)).map((event) => event.id);
    assert.deepEqual(await ids({ since: at(2) }), ['b', 'c', 'd']);
    assert.deepEqual(await ids({ actions: ['cleanup.*'] }), ['c', 'd']);
    assert.deepEqual(await ids({ actions: ['approve', 'deploy.*'], model: 'demand' }), ['a', 'b']);
    assert.deepEqual(await ids({ actions: ["it's"] }), [], 'quotes are literal');
  });

  it('keeps optional fields absent when they were not given', async () => {
    await audit.record({ id: 'e1', at: '2026-10-25T09:00:00+02:00', actor: 'system', action: 'cleanup' });
    assert.deepEqual(await audit.list({}), [{ id: 'e1', at: '2026-10-25T07:00:00.000Z', actor: 'system', action: 'cleanup' }]);
  });

  it('filters by model and workflow, oldest first', async () => {
    const event = (id: string, at: string, model: string, workflowId: string): AuditEvent => ({ id, at, actor: 'a', action: 'deploy', model, workflowId });
    await audit.record(event('e3', '2026-10-25T10:00:00Z', 'demand', 'w1'));
    await audit.record(event('e1', '2026-10-25T08:00:00Z', 'demand', 'w1'));
    await audit.record(event('e2', '2026-10-25T09:00:00Z', 'demand', 'w2'));
    await audit.record(event('e4', '2026-10-25T07:00:00Z', "o'brien", 'w1'));
    assert.deepEqual((await audit.list({ model: 'demand' })).map((e) => e.id), ['e1', 'e2', 'e3']);
    assert.deepEqual((await audit.list({ workflowId: 'w1' })).map((e) => e.id), ['e4', 'e1', 'e3']);
    assert.deepEqual((await audit.list({ model: 'demand', workflowId: 'w2' })).map((e) => e.id), ['e2']);
    assert.deepEqual((await audit.list({ model: "o'brien" })).map((e) => e.id), ['e4']);
    assert.deepEqual(await audit.list({ model: 'nobody' }), []);
  });

  it('refuses an event whose time has no zone, or an empty id', async () => {
    await assert.rejects(audit.record({ ...approval, at: '2026-10-25T08:15:00' }), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.match(error.message, /must be an ISO-8601 date or a date-time with a zone/);
      return true;
    });
    await assert.rejects(audit.record({ ...approval, id: ' ' }), /id must not be empty/);
  });
});
