// The stream path over HTTP, for local mode (`vigil stream serve`, the demo's traffic): a producer
// POSTs NDJSON records to /v1/models/{model}/records and they go through the same batch handling
// as a Kinesis batch (judge, chunk, write in order). The line number inside the request stands in
// for the sequence number; an Idempotency-Key header names the request, so a retried request
// (the same body, all of it) rewrites what its first attempt wrote instead of adding to it; the
// key sent again with other records is refused (422) while the server remembers it.
//
//   200 {"received","valid","quarantined","reasons","batch"}           everything written
//   503 {..., "failed": [line numbers]} + Retry-After                  a write failed: send again
//   400 / 404 / 413 / 422                                               a request that cannot be taken
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { JudgedRecord, StreamRecord } from '../domain/stream/judge-record.js';
import type { StreamLog } from '../ports/stream-log.js';
import { HttpError, readBody, sendError, sendJson } from '../model-server/http.js';
import { handleStreamBatch } from './handle-batch.js';

export interface IngestModel {
  judge: (record: StreamRecord) => JudgedRecord;
  log: StreamLog;
}

export interface IngestOptions {
  models: ReadonlyMap<string, IngestModel>;
  /** Largest request body; default 64 MiB. */
  bodyLimit?: number;
  maxRecordsPerChunk?: number;
  now?: () => Date;
}

const idempotencyKey = /^[A-Za-z0-9._-]{1,80}$/;
/** Keys remembered with their body's hash, to refuse a key reused for other records. */
const rememberedKeys = 10_000;
const recordsPath = /^\/v1\/models\/([A-Za-z_][A-Za-z0-9_]*)\/records$/;

export function createIngestServer(options: IngestOptions): Server {
  const now = options.now ?? (() => new Date());
  let requests = 0;
  const bodies = new Map<string, string>();
  return createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://ingest');
      if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok', models: [...options.models.keys()] });
      const match = recordsPath.exec(url.pathname);
      if (match === null) throw new HttpError(404, `no such path ${url.pathname}: POST /v1/models/{model}/records`);
      if (request.method !== 'POST') throw new HttpError(405, `${request.method ?? ''} ${url.pathname}: records are POSTed`);
      const name = match[1] ?? '';
      const model = options.models.get(name);
      if (model === undefined) throw new HttpError(404, `model "${name}" has no stream here (models: ${[...options.models.keys()].join(', ')})`);
      const header = request.headers['idempotency-key'];
      const given = Array.isArray(header) ? header[0] : header;
      if (given !== undefined && !idempotencyKey.test(given)) throw new HttpError(400, `Idempotency-Key "${given}" must be 1-80 letters, digits, '.', '_' or '-'`);
      requests += 1;
      const batch = given ?? `${now().getTime()}-${process.pid}-${requests}`;
      const body = (await readBody(request, options.bodyLimit ?? 64 * 1024 * 1024)).toString('utf8');
      if (given !== undefined) {
        // The key names the records by their lines: other records under it would replace these.
        const seenKey = `${name}\n${given}`;
        const digest = createHash('sha256').update(body).digest('hex');
        const earlier = bodies.get(seenKey);
        if (earlier !== undefined && earlier !== digest) {
          throw new HttpError(422, `Idempotency-Key "${given}" was sent with other records: send the same body again (all of it), or use a new key`);
        }
        bodies.delete(seenKey);
        bodies.set(seenKey, digest);
        if (bodies.size > rememberedKeys) bodies.delete(bodies.keys().next().value ?? '');
      }
      const arrivedAt = now().toISOString();
      const records: StreamRecord[] = [];
      body.split('\n').forEach((line, index) => {
        const text = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (text.trim() !== '') records.push({ sequence: `${batch}-${index + 1}`, text, arrivedAt });
      });
      const summary = await handleStreamBatch(records, {
        judge: model.judge,
        log: model.log,
        source: 'http',
        maxRecordsPerChunk: options.maxRecordsPerChunk ?? 5000,
        // A local write that failed (a full disk, a file held open) may succeed when sent again.
        isTransient: () => true,
      });
      const answer = { batch, received: summary.received, valid: summary.valid, quarantined: summary.quarantined, reasons: summary.reasons };
      if (summary.failed.length === 0) return sendJson(response, 200, answer);
      const error = summary.error instanceof Error ? summary.error.message : 'write failed';
      sendJson(
        response,
        503,
        { ...answer, error, failed: summary.failed.map((sequence) => Number(sequence.slice(batch.length + 1))) },
        { 'retry-after': '1' },
      );
    })().catch((error: unknown) => sendError(response, error));
  });
}
