// Who may use the model server's admin API: loopback clients that present the data dir's token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/** Constant-time: both sides are hashed first, so neither length nor content leaks through timing. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented !== '';
}

/** 403 for a client not on loopback. */
export function requireLoopback(request: IncomingMessage): void {
  const remote = request.socket.remoteAddress;
  if (!isLoopbackAddress(remote)) throw new HttpError(403, `the admin API answers only loopback clients, not ${remote ?? 'an unknown address'}`);
}

/** 403 off loopback, 401 without the right bearer token. */
export function requireAdmin(request: IncomingMessage, token: string, tokenFile: string): void {
  requireLoopback(request);
  if (!bearerMatches(request.headers.authorization, token)) {
    throw new HttpError(401, `the admin API needs "Authorization: Bearer <token>" with the token in ${tokenFile}`);
  }
}
