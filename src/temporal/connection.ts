// Temporal connection settings come from @temporalio/envconfig: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TLS and API key variables, or a profile in the Temporal config file.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalTarget {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  address: string;
}

/** From `env` (default the process's) and the Temporal config file it points to. */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const loaded = loadClientConnectConfig({ overrideEnvVars });
  const address = loaded.connectionOptions.address ?? 'localhost:7233';
  return {
    connectionOptions: { ...loaded.connectionOptions, address },
    namespace: loaded.namespace ?? 'default',
    address,
  };
}
