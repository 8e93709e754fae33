// A Temporal client for the CLI, with the same envconfig-derived settings as the worker.
import { Client, Connection } from '@temporalio/client';
import { temporalTarget } from './connection.js';

export interface ConnectedClient {
  client: Client;
  address: string;
  namespace: string;
  close(): Promise<void>;
}

export async function connectClient(): Promise<ConnectedClient> {
  const target = temporalTarget();
  const { address, tls, apiKey, metadata } = target.connectionOptions;
  const connection = await Connection.connect({
    address,
    ...(tls === undefined || tls === null ? {} : { tls }),
    ...(typeof apiKey === 'string' ? { apiKey } : {}),
    ...(metadata === undefined ? {} : { metadata }),
  });
  return {
    client: new Client({ connection, namespace: target.namespace }),
    address: target.address,
    namespace: target.namespace,
    close: () => connection.close(),
  };
}
