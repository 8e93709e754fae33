// Verification of Slack's request signature (https://api.slack.com/authentication/verifying-requests-from-slack).
// Bolt's receivers do this, but @slack/bolt is not a dependency of this project, so the check is
// done here by hand, in one place: HMAC-SHA256 over "v0:<timestamp>:<raw body>" with the signing
// secret, compared in constant time, and a five-minute window against old requests; inside the
// window, replay-guard.ts refuses a signature seen before.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock, either way. */
export const maxClockSkewSeconds = 5 * 60;

export type SignatureVerdict =
  /** The verified signature and its timestamp, for the replay check. */
  | { ok: true; signature: string; timestampSeconds: number }
  | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature'; detail: string };

export interface SignedRequest {
  /** The X-Slack-Signature header. */
  signature: string | undefined;
  /** The X-Slack-Request-Timestamp header (Unix seconds). */
  timestamp: string | undefined;
  /** The body exactly as received: any re-encoding breaks the signature. */
  rawBody: Buffer;
}

export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

export function verifySlackSignature(signingSecret: string, request: SignedRequest, nowMillis: number): SignatureVerdict {
  const { signature, timestamp } = request;
  if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
    return { ok: false, reason: 'missing_headers', detail: 'X-Slack-Signature or X-Slack-Request-Timestamp is missing' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale_timestamp', detail: `timestamp "${timestamp.slice(0, 40)}" is not Unix seconds` };
  const skew = Math.floor(nowMillis / 1000) - Number(timestamp);
  if (Math.abs(skew) > maxClockSkewSeconds) {
    return { ok: false, reason: 'stale_timestamp', detail: `timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}` };
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, request.rawBody), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'bad_signature', detail: 'signature does not match the body' };
  }
  return { ok: true, signature, timestampSeconds: Number(timestamp) };
}
