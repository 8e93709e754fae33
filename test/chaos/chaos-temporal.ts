// A chaos run's own Temporal dev server (its own ports and SQLite file), so the run can restart it
// mid-loop, and a client of the harness that reconnects across the restart.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureDevServer, type DevServerHandle } from '../../src/dev/dev-server.js';
import { freePort } from '../support/free-port.js';

export interface ChaosTemporal {
  address: string;
  port: number;
  client: Client;
  /** Stops the server, waits `downMs`, starts it again on the same port and database file. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The Slack bot token variable the chaos workers read their (stand-in) token from. */
export const slackTokenVariable = 'VIGIL_CHAOS_SLACK_TOKEN';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startChaosTemporal(dir: string): Promise<ChaosTemporal> {
  const options = { dataDir: join(dir, 'temporal'), port: await freePort(), uiPort: await freePort() };
  let server: DevServerHandle = await ensureDevServer(options);
  try {
    const connection = await Connection.connect({ address: server.address });
    return {
      address: server.address,
      port: options.port,
      client: new Client({ connection }),
      async restart(downMs) {
        await server.stop();
        await sleep(downMs);
        server = await ensureDevServer(options);
      },
      async close() {
        await connection.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
