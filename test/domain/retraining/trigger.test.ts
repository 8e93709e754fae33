import assert from 'node:assert/strict';
import { decideRetraining, type RecentWindow, type TriggerPolicy } from '../../../src/domain/retraining/trigger.js';
import { championChallengerGate } from '../../../src/domain/retraining/gate.js';

const policy: TriggerPolicy = { k: 3, n: 5, on: ['drift', 'performance'], cooldownMs: 7 * 86_400_000 };

function window(day: number, kinds: RecentWindow['breachKinds'], extra: Partial<RecentWindow> = {}): RecentWindow {
  return { windowEnd: `2026-10-${String(day).padStart(2, '0')}T00:00:00.000Z`, breachKinds: kinds, dataQualityIncident: false, status: 'ok', ...extra };
}

describe('retraining trigger (K of N, cooldown, data quality)', () => {
  const now = '2026-10-20T06:00:00.000Z';

  it('triggers when K of the last N windows breached on a counted kind', () => {
    const decision = decideRetraining(policy, [window(20, ['drift']), window(19, ['performance']), window(18, []), window(17, ['drift']), window(16, [])], undefined, now);
    assert.equal(decision.trigger, true);
    assert.equal(decision.breachedWindows.length, 3);
    assert.match(decision.reason, /3 of the last 5 windows/);
    assert.match(decision.reason, /^drift\/performance: /);
  });

  it('says on which day the breaches began: the newest day of the oldest breached window counted', () => {
    const decision = decideRetraining(policy, [window(20, ['drift']), window(19, ['performance']), window(18, []), window(17, ['drift']), window(16, [])], undefined, now);
    // The window ending (exclusively) on 10-17 holds 10-16 as its newest day.
    assert.equal(decision.breachSince, '2026-10-16T00:00:00.000Z');
    assert.equal(decideRetraining(policy, [window(20, ['drift'])], undefined, now).breachSince, undefined);
  });

  it('names the kinds of breach that fired, not every kind it counts', () => {
    const rmse = decideRetraining(policy, [window(20, ['performance']), window(19, ['performance', 'bias']), window(18, ['performance'])], undefined, now);
    assert.equal(rmse.trigger, true);
    assert.match(rmse.reason, /^performance: 3 of the last 3 windows breached/);
    assert.doesNotMatch(rmse.reason, /drift/);
  });

  it('does not trigger on fewer than K, on kinds not counted, or on windows older than N', () => {
    assert.equal(decideRetraining(policy, [window(20, ['drift']), window(19, ['bias']), window(18, ['quality']), window(17, []), window(16, [])], undefined, now).trigger, false);
    // Breaches six and seven windows back are outside the last five.
    const old = [window(20, ['drift']), window(19, ['drift']), window(18, []), window(17, []), window(16, []), window(15, ['drift']), window(14, ['drift'])];
    assert.equal(decideRetraining(policy, old, undefined, now).trigger, false);
  });

  it('waits out the cooldown after the previous trigger', () => {
    const recent = [window(20, ['drift']), window(19, ['drift']), window(18, ['drift'])];
    const cooled = decideRetraining(policy, recent, '2026-10-15T06:00:00.000Z', now);
    assert.equal(cooled.trigger, false);
    assert.match(cooled.reason, /cooldown/);
    assert.equal(decideRetraining(policy, recent, '2026-10-12T06:00:00.000Z', now).trigger, true);
  });

  it('never triggers while the newest window is a data quality incident, and does not count such windows', () => {
    const broken = [window(20, ['drift', 'quality'], { dataQualityIncident: true }), window(19, ['drift']), window(18, ['drift']), window(17, ['drift'])];
    const decision = decideRetraining(policy, broken, undefined, now);
    assert.equal(decision.trigger, false);
    assert.match(decision.reason, /data quality incident/);
    const earlierBroken = [window(20, ['drift']), window(19, ['drift'], { dataQualityIncident: true }), window(18, ['drift']), window(17, [])];
    assert.equal(decideRetraining(policy, earlierBroken, undefined, now).trigger, false, 'only two clean breaches');
  });

  it('ignores windows without data', () => {
    const decision = decideRetraining(policy, [window(20, ['drift']), window(19, ['drift'], { status: 'no_data' }), window(18, ['drift'])], undefined, now);
    assert.equal(decision.trigger, false);
  });
});

describe('champion vs challenger gate', () => {
  it('passes a candidate within the tolerance and refuses one beyond it', () => {
    assert.equal(championChallengerGate({ rows: 100, rmse: 10.4, mae: 8 }, { rows: 100, rmse: 10, mae: 8 }, 0.05).passed, true);
    const refused = championChallengerGate({ rows: 100, rmse: 10.6, mae: 8 }, { rows: 100, rmse: 10, mae: 8 }, 0.05);
    assert.equal(refused.passed, false);
    assert.match(refused.text, /candidate RMSE 10.6 > champion 10 x 1.05/);
  });

  it('refuses a candidate without holdout rows and passes one with no champion', () => {
    assert.equal(championChallengerGate({ rows: 0, rmse: null, mae: null }, { rows: 10, rmse: 5, mae: 4 }, 0.05).passed, false);
    assert.equal(championChallengerGate({ rows: 10, rmse: 5, mae: 4 }, undefined, 0.05).passed, true);
  });

  it('always compares when a version serves: a champion that could not be evaluated refuses the candidate', () => {
    for (const champion of [undefined, { rows: 0, rmse: null, mae: null }]) {
      const verdict = championChallengerGate({ rows: 10, rmse: 5, mae: 4 }, champion, 0.05, 'jan-2001');
      assert.equal(verdict.passed, false);
      assert.match(verdict.text, /^champion jan-2001 could not be evaluated on the holdout/);
    }
  });

  it('says when the champion was judged by the predictions it logged', () => {
    const verdict = championChallengerGate({ rows: 80, rmse: 5, mae: 4 }, { rows: 80, rmse: 6, mae: 5, basis: 'logged-predictions' }, 0.05, 'jan-2001');
    assert.equal(verdict.passed, true);
    assert.match(verdict.text, /on the same 80 holdout rows \(the champion by the predictions it logged\)$/);
  });
});
