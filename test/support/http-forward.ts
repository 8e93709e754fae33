// Test infrastructure only: what the HTTP fronts before moto (the SageMaker shim, the answer
// feeder) share: reading a request, telling its signed region, passing it on unchanged and
// answering in the AWS JSON protocol.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The region a SigV4-signed request is for (from its credential scope); moto reads it the same way. */
export function signedRegion(request: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
}

/** What an answer is written to: the response, or a sink that drops it. */
export interface AnswerSink {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: Buffer): unknown;
}

/** Sends the request on to `upstream` as it came (plus `extraHeaders`) and copies the answer back. */
export async function forwardRequest(
  request: IncomingMessage,
  body: Buffer,
  response: AnswerSink,
  upstream: string,
  extraHeaders: Record<string, string> = {},
  /** Changes the answer's body before it is sent back (a front standing in for a figure moto does not keep). */
  rewrite?: (status: number, body: Buffer) => Buffer,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    // fetch sets these itself (and refuses Expect).
    if (value === undefined || ['host', 'content-length', 'connection', 'expect'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const answer = await fetch(new URL(request.url ?? '/', upstream), {
    method: request.method ?? 'GET',
    headers,
    ...(body.length > 0 ? { body } : {}),
  });
  const received = Buffer.from(await answer.arrayBuffer());
  const bytes = rewrite === undefined ? received : rewrite(answer.status, received);
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    // fetch has already decoded and de-chunked the body.
    if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(name)) out[name] = value;
  });
  response.writeHead(answer.status, { ...out, 'content-length': String(bytes.length) });
  response.end(bytes);
}

/** An AWS JSON 1.1 answer (errors carry `__type`, which the SDK reads as the error code). */
export function sendAwsJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}
