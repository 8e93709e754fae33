// Test infrastructure only: an HTTP front before moto that passes every request on unchanged,
// except those a rule picks, which it answers with an AWS fault instead (S3's 503 SlowDown), as a
// throttled or failing service would. Counts what it refused.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest, readRequestBody } from './http-forward.js';

export interface FaultFront {
  endpoint: string;
  /** Requests answered with a fault so far. */
  faults(): number;
  /** Which requests fail from now on (undefined: none). */
  failWhen(rule: ((request: IncomingMessage) => boolean) | undefined): void;
  stop(): Promise<void>;
}

const slowDown =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault-front</RequestId></Error>';

export async function startFaultFront(upstream: string): Promise<FaultFront> {
  let rule: ((request: IncomingMessage) => boolean) | undefined;
  let faults = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readRequestBody(request);
      if (rule?.(request) === true) {
        faults += 1;
        response.writeHead(503, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(slowDown)) });
        response.end(slowDown);
        return;
      }
      await forwardRequest(request, body, response, upstream);
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults: () => faults,
    failWhen: (next) => {
      rule = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
