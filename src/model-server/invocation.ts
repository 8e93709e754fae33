// One inference request of the contract, read and scored the same way wherever the contract is
// served: the body within the payload limit, the media types, then rows coerced and scored.
import type { IncomingMessage } from 'node:http';
import type { ModelArtifact } from '../domain/model/artifact.js';
import { coerceRows, predictCoerced, RowCoercionError } from '../domain/model/predict.js';
import { acceptOf, contentTypeOf, parseCsv, parseJsonInstances, type MediaType } from './codec.js';
import { HttpError, readBody } from './http.js';

export interface InvocationRequest {
  body: string;
  contentType: MediaType;
  accept: MediaType;
}

/** The body first, so an oversized request is a 413 whatever its headers; then 406 and 415. */
export async function readInvocation(request: IncomingMessage, limit: number): Promise<InvocationRequest> {
  const body = (await readBody(request, limit)).toString('utf8');
  const accept = acceptOf(request.headers.accept);
  const contentType = contentTypeOf(request.headers['content-type']);
  return { body, contentType, accept };
}

/** One prediction per row; a malformed body or row is a 400 naming the row and feature. */
export function scoreInvocation(artifact: ModelArtifact, contentType: MediaType, body: string): number[] {
  const specs = artifact.encoding;
  const raw = contentType === 'text/csv' ? parseCsv(body) : parseJsonInstances(body, specs);
  if (raw.length === 0) throw new HttpError(400, 'the request has no rows');
  try {
    return predictCoerced(artifact, coerceRows(specs, raw));
  } catch (error) {
    if (error instanceof RowCoercionError) throw new HttpError(400, error.message, error.problems);
    throw error;
  }
}
