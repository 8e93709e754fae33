// The demo model's settings for a test of the whole loop: one re-evaluated window a day (fewer
// queries) and a trigger of 2 breaching days in 3, so the loop reaches a retraining in a few days,
// and loose gates, since the small scenario's holdout is noisy: the gates are tested on their own.
export function quickLoopModel(model: Record<string, unknown>): Record<string, unknown> {
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
  };
}
