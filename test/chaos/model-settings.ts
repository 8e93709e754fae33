// The demo model's settings for a chaos run: the quick loop's (a retraining within a few days),
// keeping two versions, so the cleanup deletes the old versions a run starts with.
import { quickLoopModel } from '../support/loop-model-settings.js';

export function chaosModelSettings(model: Record<string, unknown>): Record<string, unknown> {
  return { ...quickLoopModel(model), retention: { keepVersions: 2 } };
}

/** The old versions a chaos run starts with (older than v1), which its cleanup must delete, each once. */
export const oldVersions = ['old1', 'old2', 'old3', 'old4'];

/** When each old version was registered: days before the scenario's first day. */
export function oldRegisteredAt(startDate: string, index: number): string {
  return new Date(Date.parse(`${startDate}T00:00:00Z`) - (oldVersions.length - index + 1) * 86_400_000).toISOString();
}
