// One moto server per test run, started on first use with the virtualenv ./moto-server.ts provides
// (installed on the first run on a machine), and torn down by the root hook.
import { startMotoServer } from './moto-server.js';
import { onTeardown } from './teardown.js';

let endpoint: Promise<string> | undefined;

/**
 * The shared moto endpoint (`http://127.0.0.1:PORT`). The first call may install moto (about half
 * a minute, more on a slow network): give the hook that awaits it a long timeout.
 */
export function motoEndpoint(): Promise<string> {
  endpoint ??= (async () => {
    const server = await startMotoServer({ onProgress: (line) => console.error(line) });
    onTeardown(() => server.stop());
    return server.endpoint;
  })();
  return endpoint;
}

/** Timeout for a `before` hook that awaits motoEndpoint(), covering a first install. */
export const MOTO_STARTUP_TIMEOUT_MS = 10 * 60_000;

export interface AwsTestClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Client settings that point an AWS SDK client at moto; moto accepts any credentials. */
export function awsClientConfig(motoUrl: string): AwsTestClientConfig {
  return { region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/**
 * The suite's client of moto, made in a `before` hook (which may wait for moto's first start) and
 * destroyed after the suite; `ready` receives it.
 */
export function useMotoClient<C extends { destroy(): void }>(make: (config: AwsTestClientConfig) => C, ready: (client: C) => void): void {
  let client: C | undefined;
  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    client = make(awsClientConfig(await motoEndpoint()));
    ready(client);
  });
  after(() => {
    client?.destroy();
  });
}

/** moto's internal state (`/moto-api/data.json`): service -> model class -> tracked instances. */
export async function motoState(motoUrl: string): Promise<Record<string, Record<string, Record<string, unknown>[]>>> {
  const response = await fetch(`${motoUrl}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto-api/data.json answered ${response.status}`);
  return (await response.json()) as Record<string, Record<string, Record<string, unknown>[]>>;
}
