import assert from 'node:assert/strict';
import { planRetention, type CleanupFacts } from '../../../src/domain/cleanup/retention-plan.js';
import type { RegisteredVersion } from '../../../src/domain/retraining/registered-version.js';

const day = (n: number): string => new Date(Date.UTC(2026, 9, 1) + n * 86_400_000).toISOString();

function version(name: string, registeredDay: number, status: RegisteredVersion['status'] = 'Approved'): RegisteredVersion {
  return { model: 'demand', version: name, artifactUri: `s3://bucket/models/demand/${name}/model.tar.gz`, status, registeredAt: day(registeredDay), metrics: {}, origin: { reason: 'test', workflowId: `wf-${name}` } };
}

/** Eight versions, v1..v8, one every five days; v6 serves, v5 is the rollback target, v8 is pending. */
function facts(overrides: Partial<CleanupFacts> = {}): CleanupFacts {
  const registered = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => version(`v${n}`, n * 5, n === 8 ? 'PendingManualApproval' : n === 3 ? 'Rejected' : 'Approved'));
  return {
    model: 'demand',
    now: day(60),
    policy: { keepVersions: 2, minAgeMs: 7 * 86_400_000 },
    hostVersions: registered.map((entry) => ({ version: entry.version, createdAt: entry.registeredAt })),
    registered,
    endpoints: [
      { name: 'demand-production', role: 'production', versions: ['v6'] },
      { name: 'demand-staging', role: 'staging', versions: [] },
    ],
    rollbackTarget: 'v5',
    ...overrides,
  };
}

const decisions = (plan: ReturnType<typeof planRetention>): string[] => plan.map((item) => `${item.version} ${item.action} ${item.rule}`);

describe('retention plan', () => {
  it('keeps what serves, the rollback target, what waits for a deploy and the newest N; deletes the rest', () => {
    assert.deepEqual(decisions(planRetention(facts())), [
      'v1 delete beyond-newest',
      'v2 delete beyond-newest',
      'v3 delete beyond-newest',
      'v4 delete beyond-newest',
      'v5 keep rollback-target',
      'v6 keep serving',
      'v7 keep approved-not-deployed',
      'v8 keep pending-approval',
    ]);
  });

  it('never deletes anything younger than the minimum age, however many versions there are', () => {
    const plan = planRetention(facts({ now: day(22), policy: { keepVersions: 1, minAgeMs: 10 * 86_400_000 } }));
    assert.equal(plan.find((item) => item.version === 'v3')?.rule, 'younger-than-min-age');
    assert.equal(plan.find((item) => item.version === 'v2')?.action, 'delete');
  });

  it('counts the newest among all versions, protected or not, and keeps a version only the host has', () => {
    const plan = planRetention(
      facts({ registered: facts().registered.slice(0, 7), hostVersions: [...facts().hostVersions.slice(0, 7), { version: 'manual', createdAt: day(59) }], rollbackTarget: undefined }),
    );
    const manual = plan.find((item) => item.version === 'manual');
    assert.deepEqual([manual?.action, manual?.rule, manual?.onHost, manual?.artifactUri], ['keep', 'younger-than-min-age', true, undefined]);
    assert.deepEqual(
      plan.filter((item) => item.action === 'keep').map((item) => item.version),
      ['v6', 'v7', 'manual'],
    );
  });

  it('is the same plan whatever order the facts are listed in', () => {
    const shuffled = facts({ hostVersions: [...facts().hostVersions].reverse(), registered: [...facts().registered].reverse() });
    assert.deepEqual(planRetention(shuffled), planRetention(facts()));
  });

  it('keeps as retired what an earlier cleanup deleted, so it is never deleted again', () => {
    const plan = planRetention(facts({ hostVersions: facts().hostVersions.slice(2), retired: ['v1', 'v2'] }));
    assert.deepEqual(decisions(plan).slice(0, 3), ['v1 keep retired', 'v2 keep retired', 'v3 delete beyond-newest']);
  });

  it('refuses a policy that would keep nothing', () => {
    assert.throws(() => planRetention(facts({ policy: { keepVersions: 0, minAgeMs: 0 } })), /keepVersions must be a whole number >= 1/);
  });
});
