// Proves that a model server on a port belongs to this data dir, without sending the token: the
// client posts a random nonce to POST /admin/identity and the server answers
// HMAC-SHA256(token, "<port>:<nonce>"). The port is the one the connection reached, so a relay on
// another port cannot pass on a real server's answer.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readAdminToken } from './token.js';

export const identityPath = '/admin/identity';
export const nonceSchema = z.object({ nonce: z.string().regex(/^[0-9a-f]{32,128}$/, 'must be 32-128 lowercase hex digits') }).strict();
const answerSchema = z.object({ proof: z.string() });

export function identityProof(token: string, port: number, nonce: string): string {
  return createHmac('sha256', token).update(`${port}:${nonce}`).digest('hex');
}

export type IdentityCheck = { proven: true } | { proven: false; reason: string };

function portOf(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/** Challenges the server at `origin`; the reason never quotes what the server sent. */
export async function proveModelServerIdentity(origin: string, token: string, timeoutMs = 2_000): Promise<IdentityCheck> {
  const url = new URL(identityPath, origin);
  const nonce = randomBytes(32).toString('hex');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nonce }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { proven: false, reason: timedOut ? `no answer to the identity challenge within ${timeoutMs} ms` : 'the identity challenge failed to connect' };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) return { proven: false, reason: `it answered the identity challenge with HTTP ${response.status}` };
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { proven: false, reason: 'its answer to the identity challenge is not JSON' };
  }
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success) return { proven: false, reason: 'its answer to the identity challenge has no "proof"' };
  const expected = Buffer.from(identityProof(token, portOf(url), nonce), 'utf8');
  const given = Buffer.from(parsed.data.proof, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { proven: false, reason: 'its proof does not match this data dir\'s admin token' };
  }
  return { proven: true };
}

export class ModelServerIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelServerIdentityError';
  }
}

/** Throws a one-line ModelServerIdentityError unless the server at `origin` proves it holds `stateDir`'s token. */
export async function ensureOwnModelServer(origin: string, stateDir: string, timeoutMs?: number): Promise<void> {
  let token: string;
  try {
    token = await readAdminToken(stateDir);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ModelServerIdentityError(`vigil: ${origin} is not this data dir's model server (${why}); stop what listens there or set local.modelServerPort to a free port`);
  }
  const check = await proveModelServerIdentity(origin, token, timeoutMs);
  if (!check.proven) {
    throw new ModelServerIdentityError(`vigil: ${origin} is not this data dir's model server (${check.reason}); stop what listens there or set local.modelServerPort to a free port`);
  }
}
