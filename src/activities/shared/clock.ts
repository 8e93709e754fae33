// The wall clock activities stamp what they write with: the deps' own (tests pin it), else the system's.
import type { ActivityDeps } from './activity-deps.js';

export function clockOf(deps: ActivityDeps): () => Date {
  return deps.now ?? (() => new Date());
}
