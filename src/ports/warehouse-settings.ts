// The settings of the place the warehouse runs queries (an Athena workgroup), read for the checks
// the cleanup plan shows.
import type { WorkgroupSettings } from '../domain/cleanup/workgroup-check.js';

export interface WarehouseSettings {
  describe(): Promise<WorkgroupSettings>;
}
