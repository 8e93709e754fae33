// The demo model's settings for a chaos run: one re-evaluated window a day and a trigger of 2
// breaching days in 3, so the loop reaches a retraining in a few days (as the aws loop does), and
// loose gates, since the small scenario's holdout is noisy: a chaos run tests durability, not the
// gates. Two versions kept, so the cleanup deletes the old versions a run starts with.
export function chaosModelSettings(model: Record<string, unknown>): Record<string, unknown> {
  const monitoring = (model['monitoring'] ?? {}) as Record<string, unknown>;
  const retraining = (model['retraining'] ?? {}) as Record<string, unknown>;
  return {
    ...model,
    monitoring: { ...monitoring, relabelDays: 1 },
    retraining: {
      ...retraining,
      trigger: { k: 2, n: 3, on: ['drift', 'performance'], cooldown: '14d' },
      tolerance: 1,
      smoke: { p50Ms: 5000, p95Ms: 10000, maxMs: 20000 },
    },
    retention: { keepVersions: 2 },
  };
}

/** The old versions a chaos run starts with (older than v1), which its cleanup must delete, each once. */
export const oldVersions = ['old1', 'old2', 'old3', 'old4'];

/** When each old version was registered: days before the scenario's first day. */
export function oldRegisteredAt(startDate: string, index: number): string {
  return new Date(Date.parse(`${startDate}T00:00:00Z`) - (oldVersions.length - index + 1) * 86_400_000).toISOString();
}
