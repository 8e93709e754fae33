// Temporal connection settings come from @temporalio/envconfig: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TLS and API key variables, or a profile in the Temporal config file.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalTarget {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  address: string;
}

export function temporalTarget(): TemporalTarget {
  const loaded = loadClientConnectConfig();
  const address = loaded.connectionOptions.address ?? 'localhost:7233';
  return {
    connectionOptions: { ...loaded.connectionOptions, address },
    namespace: loaded.namespace ?? 'default',
    address,
  };
}
