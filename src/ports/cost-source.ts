// What the cloud bill says each model cost, by the vigil:model cost allocation tag (Cost Explorer
// on AWS; local mode has no bill).
import type { DailyCost } from '../domain/cost/cost-report.js';

export interface CostSource {
  /** Daily cost per value of the tag over [start, end) (YYYY-MM-DD, UTC days). */
  dailyCostByTag(input: { tagKey: string; start: string; end: string }): Promise<DailyCost[]>;
}
