// Cost Explorer's daily cost by the vigil:model tag, against moto's queued answers (moto does not
// track cost: each distinct request takes the next queued result), over two pages.
import assert from 'node:assert/strict';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { CostExplorerSource } from '../../../../src/adapters/aws/cost-explorer/cost-explorer-source.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';

const group = (model: string, amount: string) => ({ Keys: [`vigil:model$${model}`], Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } } });

describe('CostExplorerSource (moto)', function () {
  let moto: string;
  let client: CostExplorerClient;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    moto = await motoEndpoint();
    client = new CostExplorerClient(awsClientConfig(moto));
  });

  after(() => client.destroy());

  it('reads every page of daily cost grouped by the tag, an empty tag value as untagged', async () => {
    const results = [
      {
        ResultsByTime: [{ TimePeriod: { Start: '2031-01-01', End: '2031-01-02' }, Total: {}, Groups: [group('demand', '12.5'), group('', '3.25')], Estimated: false }],
        DimensionValueAttributes: [],
        NextPageToken: 'page-2',
      },
      {
        ResultsByTime: [{ TimePeriod: { Start: '2031-01-02', End: '2031-01-03' }, Total: {}, Groups: [group('demand', '11'), group('churn', '4')], Estimated: false }],
        DimensionValueAttributes: [],
      },
    ];
    const queued = await fetch(`${moto}/moto-api/static/ce/cost-and-usage-results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results }) });
    assert.equal(queued.status, 201);
    const costs = await new CostExplorerSource(client).dailyCostByTag({ tagKey: 'vigil:model', start: '2031-01-01', end: '2031-01-03' });
    assert.deepEqual(costs, [
      { day: '2031-01-01', model: 'demand', amount: 12.5, unit: 'USD' },
      { day: '2031-01-01', model: '', amount: 3.25, unit: 'USD' },
      { day: '2031-01-02', model: 'demand', amount: 11, unit: 'USD' },
      { day: '2031-01-02', model: 'churn', amount: 4, unit: 'USD' },
    ]);
  });
});
