import assert from 'node:assert/strict';
import { costByModel } from '../../../src/domain/cost/cost-report.js';

describe('cost by model', () => {
  it('totals each model over the span, with its daily mean and its costliest day, most expensive first; untagged cost apart', () => {
    const report = costByModel(
      [
        { day: '2026-11-01', model: 'demand', amount: 3, unit: 'USD' },
        { day: '2026-11-02', model: 'demand', amount: 5, unit: 'USD' },
        { day: '2026-11-01', model: 'churn', amount: 9.5, unit: 'USD' },
        { day: '2026-11-02', model: '', amount: 1, unit: 'USD' },
      ],
      2,
    );
    assert.deepEqual(report, [
      { model: 'churn', total: 9.5, perDay: 4.75, peakDay: '2026-11-01', peak: 9.5, unit: 'USD' },
      { model: 'demand', total: 8, perDay: 4, peakDay: '2026-11-02', peak: 5, unit: 'USD' },
      { model: '(untagged)', total: 1, perDay: 0.5, peakDay: '2026-11-02', peak: 1, unit: 'USD' },
    ]);
  });

  it('refuses a report mixing currencies, or spanning no days', () => {
    assert.throws(() => costByModel([{ day: 'a', model: 'm', amount: 1, unit: 'USD' }, { day: 'b', model: 'm', amount: 1, unit: 'EUR' }], 1), /one currency per report/);
    assert.throws(() => costByModel([], 0), /whole days >= 1/);
  });
});
