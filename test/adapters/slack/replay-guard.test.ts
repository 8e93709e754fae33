// The replay cache: a verified signature is accepted once inside its window, and the memory stays
// bounded (entries expire with their window, and the cache has a size cap).
import assert from 'node:assert/strict';
import { ReplayGuard } from '../../../src/adapters/slack/replay-guard.js';

const t0Seconds = Date.parse('2024-05-01T12:00:00Z') / 1000;
const at = (seconds: number): number => (t0Seconds + seconds) * 1000;

describe('ReplayGuard', () => {
  it('accepts a signature once and refuses it again inside the window', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    assert.equal(guard.firstSeen('v0=aaa', t0Seconds, at(0)), true);
    assert.equal(guard.firstSeen('v0=aaa', t0Seconds, at(1)), false);
    assert.equal(guard.firstSeen('v0=aaa', t0Seconds, at(300)), false, 'the last second the signature check still accepts');
    assert.equal(guard.firstSeen('v0=bbb', t0Seconds, at(2)), true, 'another signature is another request');
  });

  it('forgets a signature once its timestamp has left the window (the signature check refuses it then)', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    assert.equal(guard.firstSeen('v0=aaa', t0Seconds, at(0)), true);
    assert.equal(guard.firstSeen('v0=aaa', t0Seconds, at(301)), true);
  });

  it('keeps a request timestamped ahead of the clock until its own window ends', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    assert.equal(guard.firstSeen('v0=ahead', t0Seconds + 200, at(0)), true);
    assert.equal(guard.firstSeen('v0=ahead', t0Seconds + 200, at(450)), false);
  });

  it('drops expired entries, so memory follows the traffic of the last window only', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    for (let index = 0; index < 100; index += 1) guard.firstSeen(`v0=${index}`, t0Seconds, at(0));
    assert.equal(guard.size, 100);
    guard.firstSeen('v0=later', t0Seconds + 400, at(400));
    assert.equal(guard.size, 1);
  });

  it('holds at most maxEntries signatures, forgetting the oldest first', () => {
    const guard = new ReplayGuard({ windowSeconds: 300, maxEntries: 3 });
    for (const signature of ['v0=1', 'v0=2', 'v0=3', 'v0=4', 'v0=5']) assert.equal(guard.firstSeen(signature, t0Seconds, at(0)), true);
    assert.equal(guard.size, 3);
    assert.equal(guard.firstSeen('v0=5', t0Seconds, at(1)), false);
    assert.equal(guard.firstSeen('v0=3', t0Seconds, at(1)), false);
    assert.equal(guard.firstSeen('v0=1', t0Seconds, at(1)), true, 'the oldest was forgotten');
  });

  it('refuses a cap that is not a positive integer', () => {
    assert.throws(() => new ReplayGuard({ windowSeconds: 300, maxEntries: 0 }), /maxEntries must be a positive integer \(got 0\)/);
  });
});
