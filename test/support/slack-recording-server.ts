// A local HTTP server that records every request and answers with a canned reply: it stands in
// for Slack's Web API and for a click's response_url.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from '../../src/adapters/shared/http-listen.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

export interface RecordingServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** Resolves once `count` requests have arrived (rejects after a few seconds). */
  waitFor(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startRecordingServer(reply: (request: RecordedRequest) => Reply = () => ({ status: 200, body: 'ok' })): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const answer = reply(recorded);
      response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
      response.end(answer.body);
      for (const waiter of waiters.filter((entry) => requests.length >= entry.count)) waiter.resolve();
    });
  });
  const { origin } = await listen(server);
  return {
    origin,
    requests,
    waitFor(count) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} requests, got ${requests.length}`)), 5000);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        });
      });
    },
    close: () => closeServer(server),
  };
}
