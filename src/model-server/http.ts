// Small HTTP helpers for the model server: bounded body reading and JSON/error responses.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that maps to an HTTP status; `problems` lists row-level details when there are any. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Reads a request body of at most `limit` bytes. A larger body is drained (so the client reads
 * the 413 instead of a reset connection) up to a hard cap, past which the connection is dropped.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const hardCap = limit * 4 + 1_048_576;
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  return new Promise((resolve, reject) => {
    if (declared > hardCap) {
      reject(new HttpError(413, `payload of ${declared} bytes exceeds the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > hardCap) {
        request.destroy();
        reject(new HttpError(413, `payload exceeds the limit of ${limit} bytes`));
      }
    });
    request.on('end', () => {
      if (size > limit) reject(new HttpError(413, `payload of ${size} bytes exceeds the limit of ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof HttpError) {
    const body = error.problems.length > 0 ? { error: error.message, problems: error.problems } : { error: error.message };
    // Closing after a 413 stops a client from streaming the rest of an oversized body.
    sendJson(response, error.status, body, error.status === 413 ? { connection: 'close' } : {});
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(response, 500, { error: `internal error: ${message}` });
}
