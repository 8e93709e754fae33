// Test infrastructure only: an HTTP front before moto that passes every request on unchanged,
// except those a rule picks, which get a fault instead, as a throttled, failing or unreachable
// service would answer: the service's own throttling error in the request's protocol, HTTP 429,
// a 5xx, the connection reset (before the request is passed on, or after, when the call took
// effect but its answer is lost), or a delay. Counts what it injected, per kind.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { forwardRequest, readRequestBody, sendAwsJson, type AnswerSink } from './http-forward.js';

export type FrontFault =
  | { kind: 'throttling' }
  | { kind: 'too-many-requests' }
  | { kind: 'server-error' }
  | { kind: 'connection-reset'; afterForwarding: boolean }
  | { kind: 'delay'; ms: number };

export interface FaultFront {
  endpoint: string;
  /** Requests answered with a fault so far (delays not counted). */
  faults(): number;
  /** Faults injected so far, per kind ("connection-reset" split into before and after). */
  counts(): Record<string, number>;
  /** Requests seen so far. */
  requests(): number;
  /** Which requests fail from now on, with S3's 503 SlowDown (undefined: none). */
  failWhen(rule: ((request: IncomingMessage) => boolean) | undefined): void;
  /** The fault, if any, each request gets from now on (undefined: none). */
  inject(decide: ((request: IncomingMessage) => FrontFault | undefined) | undefined): void;
  stop(): Promise<void>;
}

const slowDown =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault-front</RequestId></Error>';
const queryThrottling =
  '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-front</RequestId></ErrorResponse>';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFaultFront(upstream: string): Promise<FaultFront> {
  let decide: ((request: IncomingMessage) => FrontFault | undefined) | undefined;
  const counts: Record<string, number> = {};
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      requests += 1;
      const body = await readRequestBody(request);
      const fault = decide?.(request);
      if (fault?.kind === 'delay') await sleep(fault.ms);
      if (fault === undefined || fault.kind === 'delay') {
        await forwardRequest(request, body, response, upstream);
        return;
      }
      const name = fault.kind === 'connection-reset' ? `connection-reset ${fault.afterForwarding ? 'after' : 'before'} forwarding` : fault.kind;
      counts[name] = (counts[name] ?? 0) + 1;
      if (fault.kind === 'connection-reset') {
        // After forwarding, the service acted on the call; only its answer is lost.
        if (fault.afterForwarding) await forwardRequest(request, body, discarded, upstream).catch(() => undefined);
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'too-many-requests') {
        response.writeHead(429, { 'content-length': '0' });
        response.end();
        return;
      }
      if (fault.kind === 'server-error') {
        response.writeHead(500, { 'content-length': '0' });
        response.end();
        return;
      }
      throttle(request, response);
    })().catch((error: unknown) => {
      if (response.headersSent) return;
      response.writeHead(502);
      response.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    counts: () => ({ ...counts }),
    requests: () => requests,
    failWhen: (rule) => {
      decide = rule === undefined ? undefined : (request) => (rule(request) ? { kind: 'throttling' } : undefined);
    },
    inject: (next) => {
      decide = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The service's throttling error as its protocol spells it, so the SDK reads it as throttling. */
function throttle(request: IncomingMessage, response: ServerResponse): void {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    sendAwsJson(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    return;
  }
  if (String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    response.writeHead(400, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(queryThrottling)) });
    response.end(queryThrottling);
    return;
  }
  if (request.headers['smithy-protocol'] !== undefined || /\/endpoints\/[^/]+\/invocations/.test(request.url ?? '')) {
    // RPC v2 CBOR and REST-JSON (the runtime's InvokeEndpoint) read the error type from this header.
    const text = JSON.stringify({ message: 'Rate exceeded' });
    response.writeHead(400, { 'x-amzn-errortype': 'ThrottlingException', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    response.end(text);
    return;
  }
  // S3 (REST-XML).
  response.writeHead(503, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(slowDown)) });
  response.end(slowDown);
}

/** Where a forwarded call's answer goes when the connection it came on is reset: nowhere. */
const discarded: AnswerSink = { writeHead: () => undefined, end: () => undefined };
