// Starts an HTTP server listening and tells where: the local servers (model server, Slack
// interactions) bind to loopback by default and pick a free port when asked for port 0. Stops it
// too, when asked or when the process is told to.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** http://host:port, IPv6 hosts bracketed. */
  origin: string;
  port: number;
}

export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { origin: `http://${shown}:${address.port}`, port: address.port };
}

/** Stops listening and drops open connections (an idle keep-alive socket would hold close() open). */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  await closed;
}

/**
 * Closes `server` on SIGINT or SIGTERM (how Docker and SageMaker stop a container), then exits: 0
 * once it closed, 1 when closing failed. A second signal while it closes changes nothing.
 */
export function closeOnSignals(label: string, server: { close(): Promise<void> }): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`${label}: ${signal}, closing`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
