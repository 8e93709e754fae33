// What a run's queries cost where the engine bills by bytes read (Athena, $5 per TB): summed per
// step and kept with the run, so a cost report can say what monitoring each model costs.
import type { QueryResult } from '../../ports/warehouse.js';

/** Adds a result's bytes scanned to a running total; undefined while no engine reported any. */
export function addScanned(total: number | undefined, result: Pick<QueryResult, 'bytesScanned'>): number | undefined {
  return result.bytesScanned === undefined ? total : (total ?? 0) + result.bytesScanned;
}

/** `{ bytesScanned }` when known, `{}` otherwise (for optional fields under exactOptionalPropertyTypes). */
export function scannedField(bytesScanned: number | undefined): { bytesScanned?: number } {
  return bytesScanned === undefined ? {} : { bytesScanned };
}
