// Starts an HTTP server listening and tells where: the local servers (model server, Slack
// interactions) bind to loopback by default and pick a free port when asked for port 0.
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
