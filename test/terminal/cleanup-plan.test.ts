import assert from 'node:assert/strict';
import type { CleanupPlan } from '../../src/domain/cleanup/retention-plan.js';
import { cleanupPlanText } from '../../src/terminal/cleanup-plan.js';

const plan: CleanupPlan = {
  id: 'cleanup-demand-0123456789ab',
  model: 'demand',
  plannedAt: '2026-12-06T04:00:00.000Z',
  policy: { keepVersions: 5, minAgeMs: 7 * 86_400_000 },
  items: [
    { version: 'v1', action: 'delete', rule: 'beyond-newest', reason: 'older than the newest 5', onHost: true, createdAt: '2026-01-01T00:00:00.000Z' },
    { version: 'v2', action: 'delete', rule: 'beyond-newest', reason: 'older than the newest 5', onHost: true, createdAt: '2026-02-01T00:00:00.000Z' },
    { version: 'v9', action: 'keep', rule: 'serving', reason: 'serves "demand-production"', onHost: true, createdAt: '2026-11-01T00:00:00.000Z' },
  ],
  lifecycle: [{ id: 'vigil-athena-output', bucket: 'athena', prefix: 'output/', expireAfterDays: 7, why: 'Athena query output expires after 7 days' }],
};

describe('cleanup plan text', () => {
  it('lists each version with its action and why, and says how to apply', () => {
    const text = cleanupPlanText(plan, undefined);
    assert.match(text, /^cleanup plan cleanup-demand-0123456789ab for demand \(2026-12-06T04:00:00.000Z\): keep the newest 5, nothing younger than 7 days/);
    assert.match(text, /v1 +2026-01-01 +delete +older than the newest 5 +to delete/);
    assert.match(text, /v9 +2026-11-01 +keep +serves "demand-production"/);
    assert.match(text, /2 versions to delete: vigil cleanup apply -m demand deletes them\nstorage lifecycle rules an apply keeps in place:\n {2}vigil-athena-output on s3:\/\/athena\/output\/: Athena query output expires after 7 days$/);
  });

  it('after an apply, says what was deleted and what was left, and why', () => {
    const text = cleanupPlanText(plan, [
      { version: 'v1', deleted: ['model version demand/v1 on the host'] },
      { version: 'v2', deleted: [], skipped: 'serves "demand-staging" since the plan was made' },
    ]);
    assert.match(text, /v1 .* deleted/);
    assert.match(text, /v2 .* left: serves "demand-staging" since the plan was made/);
    assert.match(text, /1 of 2 deleted\nstorage lifecycle rules in place:/);
  });

  it("shows the Athena workgroup's checks, what to fix first marked", () => {
    const text = cleanupPlanText(
      {
        ...plan,
        workgroup: [
          { setting: 'result location', ok: true, detail: 's3://athena/output/, expired by the vigil-athena-output rule' },
          { setting: 'bytes scanned cutoff', ok: false, detail: 'none: a runaway query scans (and bills) every byte it reaches' },
        ],
      },
      undefined,
    );
    assert.match(text, /\nAthena workgroup: 1 setting to change\n {2}ok {3}result location: s3:\/\/athena\/output\/, expired by the vigil-athena-output rule\n {2}fix {2}bytes scanned cutoff: none: a runaway query/);
  });
});
