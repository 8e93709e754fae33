// Registers Vigil's search attributes on a Temporal server Vigil did not start (a dev server that
// was already running): upserting an unregistered attribute would fail every workflow task.
import { status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { vigilSearchAttributes } from '../workflows/shared/search-attributes.js';

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = vigilSearchAttributes.filter((key) => existing.customAttributes[key.name] === undefined);
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== status.ALREADY_EXISTS) throw error;
  }
}
