// CloudWatchDashboards against moto's CloudWatch over real HTTP: a missing dashboard reads as
// none, a body is stored as given, a body CloudWatch refuses fails with its reason, and deleting
// names some of which do not exist deletes the others.
import assert from 'node:assert/strict';
import { CloudWatchClient, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchDashboards, dashboardName } from '../../../../src/adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { useMotoClient } from '../../../support/moto.js';

describe('CloudWatchDashboards (moto)', function () {
  let client: CloudWatchClient;
  const prefix = `vigil-dashboards${process.pid}`;
  useMotoClient(
    (config) => new CloudWatchClient({ ...config, maxAttempts: 1 }),
    (made) => {
      client = made;
    },
  );

  async function listed(): Promise<string[]> {
    const answer = await client.send(new ListDashboardsCommand({ DashboardNamePrefix: prefix }));
    return (answer.DashboardEntries ?? []).map((entry) => entry.DashboardName ?? '').sort();
  }

  it('reads a missing dashboard as none, and a stored one as its body', async () => {
    const dashboards = new CloudWatchDashboards({ client });
    assert.equal(await dashboards.get(`${prefix}-missing`), undefined);
    const body = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 24, height: 2, properties: { markdown: 'hello' } }] });
    await dashboards.put(`${prefix}-a`, body);
    assert.equal(await dashboards.get(`${prefix}-a`), body);
  });

  it('fails with CloudWatch’s reason when it refuses the body', async () => {
    const dashboards = new CloudWatchDashboards({ client });
    await assert.rejects(dashboards.put(`${prefix}-bad`, '{"widgets": ['), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.match(error.message, new RegExp(`PutDashboard ${prefix}-bad: CloudWatch refused the dashboard body: .*invalid JSON`, 'i'));
      return true;
    });
  });

  it('deletes the named dashboards that exist and passes over those that do not', async () => {
    const dashboards = new CloudWatchDashboards({ client });
    await dashboards.put(`${prefix}-b`, JSON.stringify({ widgets: [] }));
    assert.deepEqual(await listed(), [`${prefix}-a`, `${prefix}-b`]);
    await dashboards.remove([`${prefix}-a`, `${prefix}-missing`, `${prefix}-b`]);
    assert.deepEqual(await listed(), []);
    await dashboards.remove([`${prefix}-missing`]);
    await dashboards.remove([]);
  });

  it('names a model’s dashboard vigil-<model>, altering what CloudWatch does not allow with a hash', () => {
    assert.equal(dashboardName('demand_v2'), 'vigil-demand_v2');
    const odd = dashboardName('demand.v2');
    assert.match(odd, /^vigil-demand_v2-[0-9a-f]{10}$/);
    assert.notEqual(odd, dashboardName('demand,v2'), 'distinct ids stay distinct');
    const long = dashboardName('m'.repeat(300));
    assert.equal(long.length, 255);
    assert.match(long, /^[A-Za-z0-9_-]+$/);
  });
});
