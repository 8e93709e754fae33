// Approvers are listed per channel: a Slack user id vouched for by Slack's signed click, or a CLI
// name vouched for by access to the Temporal namespace; a bare name is refused as ambiguous.
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';

function modelWith(approvers: unknown): unknown {
  return {
    models: [
      {
        id: 'demand',
        contract: 'demand.json',
        endpoints: { production: 'demand-production', staging: 'demand-staging' },
        sources: { productionLog: { table: 'log' }, labels: { table: 'labels' }, baseline: { table: 'baseline' } },
        approvers,
      },
    ],
  };
}

function problems(approvers: unknown): string[] {
  const parsed = configSchema.safeParse(modelWith(approvers));
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('config: approvers per channel', () => {
  it('reads { slack: id } and { cli: name } entries', () => {
    const parsed = configSchema.parse(modelWith([{ slack: 'U0123ABCD' }, { cli: 'alice' }]));
    assert.deepEqual(parsed.models[0]?.approvers, [
      { channel: 'slack', id: 'U0123ABCD' },
      { channel: 'cli', id: 'alice' },
    ]);
  });

  it('refuses a bare name, a Slack name instead of an id, and unknown channels, each with its path', () => {
    assert.deepEqual(problems(['alice', { slack: '@alice' }, { email: 'a@example.com' }, { cli: '' }]), [
      'models.0.approvers.0: a bare name does not say which channel vouches for it: write { cli: "alice" } or { slack: "U0123ABCD" }',
      'models.0.approvers.1: must be a Slack user id such as U0123ABCD (not a name or an @mention)',
      'models.0.approvers.2: must be { slack: <Slack user id> } or { cli: <name> }',
      'models.0.approvers.3: must be { slack: <Slack user id> } or { cli: <name> }',
    ]);
  });
});
