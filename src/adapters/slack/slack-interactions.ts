// The HTTP endpoint Slack calls when someone clicks Approve or Reject (the app's interactivity
// Request URL). Every request is verified against the signing secret over its raw body before
// anything is parsed; a verified click is acked at once (Slack wants the ack within 3 s), then
// handed to `applyDecision` (the worker delivers it to the waiting workflow), and the clicker is
// told the result through the click's response_url. Refused requests never reach `applyDecision`:
// a signature seen before is a replay; refusals are counted per source and minute and reported to
// `onRefused` for the audit trail, and a source with too many refusals in a minute gets 429 unread.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../shared/http-listen.js';
import { parseInteraction, type ApprovalClick, type ApprovalDecision } from './interaction-payload.js';
import { appliedResponse, postResponse, refusedResponse, supersededResponse } from './interaction-response.js';
import { RefusalTally, type RefusalReport } from './refusal-tally.js';
import { ReplayGuard } from './replay-guard.js';
import { maxClockSkewSeconds, verifySlackSignature } from './slack-signature.js';

export type { ApprovalDecision } from './interaction-payload.js';

/** `superseded`: the request clicked is no longer pending, so its message is redrawn to say so. */
export type ApplyDecisionResult = { ok: true; summary: string } | { ok: false; error: string; superseded?: boolean };

export type RefusalReason =
  | 'missing_headers'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'replayed'
  | 'malformed'
  | 'too_large'
  | 'rate_limited';

/**
 * The refusals of one source in one minute. The first refusal is reported at once, the rest when
 * the minute ends or the endpoint closes; a later report of the same (remoteAddress, window)
 * carries the running total and supersedes the earlier one.
 */
export interface RefusedRequest {
  /** Reason of the first refusal in the window. */
  reason: RefusalReason;
  /** undefined when the socket had no address; "(other sources)" past the per-minute source cap. */
  remoteAddress: string | undefined;
  /** Detail of the first refusal in the window. */
  detail: string;
  /** Refusals from this source in the window so far. */
  count: number;
  /** Start of the minute, ISO 8601. */
  window: string;
  firstAt: string;
  lastAt: string;
  reasons: Partial<Record<RefusalReason, number>>;
}

export interface SlackInteractionsOptions {
  signingSecret: string;
  /** Default 127.0.0.1: a tunnel or reverse proxy terminates TLS in front of it. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default /slack/interactions. */
  path?: string;
  applyDecision(decision: ApprovalDecision): Promise<ApplyDecisionResult>;
  onRefused(refused: RefusedRequest): void | Promise<void>;
  /** Milliseconds since the epoch, like Date.now (tests move the clock). */
  now?: () => number;
  /** Origins a response_url may point at; Slack's by default. */
  responseUrlOrigins?: string[];
  /** Default 1 MiB; a click with its message's blocks is a few kilobytes. */
  maxBodyBytes?: number;
  /**
   * Refusals per source and minute after which the source is answered 429 without reading or
   * verifying anything. Default 30. Behind a tunnel or reverse proxy every request has the proxy's
   * address, so all callers share this budget.
   */
  refusalsPerMinute?: number;
  log?: (line: string) => void;
}

export interface SlackInteractions {
  /** The full endpoint URL, path included (what the Slack app's Request URL forwards to). */
  url: string;
  port: number;
  /** Stops listening, reports refusals not reported yet, and waits for acked decisions to finish. */
  close(): Promise<void>;
}

export const defaultInteractionsPath = '/slack/interactions';
export const slackResponseUrlOrigins = ['https://hooks.slack.com', 'https://hooks.slack-gov.com'];

const statusOf: Record<RefusalReason, number> = {
  missing_headers: 401,
  stale_timestamp: 401,
  bad_signature: 401,
  malformed: 400,
  too_large: 413,
  replayed: 401,
  rate_limited: 429,
};

const unknownSource = 'unknown';

function send(response: ServerResponse, status: number, text = '', headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The raw body, or undefined when it exceeds `limit` (the rest is drained, up to a hard cap). */
function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * 4) {
        request.destroy();
        resolve(undefined);
      }
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startSlackInteractions(options: SlackInteractionsOptions): Promise<SlackInteractions> {
  const endpoint = new InteractionsEndpoint(options);
  const server = createServer((request, response) => endpoint.serve(request, response));
  const listening = await listen(server, options.port, options.host);
  return {
    url: `${listening.origin}${endpoint.path}`,
    port: listening.port,
    async close() {
      await closeServer(server);
      await endpoint.close();
    },
  };
}

/** The endpoint's request handling: verification, refusal counting, and the decisions it hands on. */
class InteractionsEndpoint {
  readonly path: string;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly origins: Set<string>;
  private readonly maxBodyBytes: number;
  private readonly refusalsPerMinute: number;
  private readonly refusals: RefusalTally<RefusalReason>;
  private readonly replays = new ReplayGuard({ windowSeconds: maxClockSkewSeconds });
  /** Acked decisions and refusal reports still under way; close() waits for them. */
  private readonly pending = new Set<Promise<void>>();
  // Reports go out one at a time: a window's later report replaces its earlier one by id, so the
  // two must land in order.
  private reporting = Promise.resolve();

  constructor(private readonly options: SlackInteractionsOptions) {
    this.path = options.path ?? defaultInteractionsPath;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line: string) => console.error(line));
    this.origins = new Set(options.responseUrlOrigins ?? slackResponseUrlOrigins);
    this.maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
    this.refusalsPerMinute = options.refusalsPerMinute ?? 30;
    this.refusals = new RefusalTally<RefusalReason>({ now: this.now, limit: this.refusalsPerMinute, report: (report) => this.report(report) });
  }

  serve(request: IncomingMessage, response: ServerResponse): void {
    this.handle(request, response).catch((error: unknown) => {
      this.log(`slack interactions: ${String(error)}`);
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  }

  /** Reports refusals not reported yet and waits for acked decisions to finish. */
  async close(): Promise<void> {
    this.refusals.close();
    await Promise.allSettled([...this.pending]);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== this.path) return send(response, 404, 'not found');
    if (request.method !== 'POST') return send(response, 405, 'method not allowed', { allow: 'POST' });
    const rawBody = await this.verifiedBody(request, response);
    if (rawBody === undefined) return;
    const parsed = parseInteraction(header(request, 'content-type'), rawBody);
    if (parsed.kind === 'malformed') return this.refuse(request, response, 'malformed', parsed.detail);
    if (parsed.kind === 'click') {
      // A signed payload is Slack's, but the worker should still never post a decision elsewhere.
      const { origin } = new URL(parsed.click.responseUrl);
      if (!this.origins.has(origin)) return this.refuse(request, response, 'malformed', `response_url origin ${origin} is not an allowed one`);
    }
    send(response, 200);
    if (parsed.kind === 'click') this.track(this.decide(parsed.click));
  }

  /** The body of a signed request seen for the first time; otherwise undefined, the request refused. */
  private async verifiedBody(request: IncomingMessage, response: ServerResponse): Promise<Buffer | undefined> {
    const overLimit = (): boolean => this.refusals.overLimit(this.sourceOf(request));
    const rateLimited = (): void =>
      this.refuse(request, response, 'rate_limited', `more than ${this.refusalsPerMinute} refused requests from this address this minute`);
    // The signature covers the exact bytes received, so nothing parses the body before this.
    const rawBody = await readRawBody(request, this.maxBodyBytes);
    if (rawBody === undefined) {
      if (overLimit()) rateLimited();
      else this.refuse(request, response, 'too_large', `body over ${this.maxBodyBytes} bytes`);
      return undefined;
    }
    const verdict = verifySlackSignature(
      this.options.signingSecret,
      { signature: header(request, 'x-slack-signature'), timestamp: header(request, 'x-slack-request-timestamp'), rawBody },
      this.now(),
    );
    // The limit applies to refused requests only, after the (cheap) HMAC: behind a tunnel or a
    // reverse proxy every request has the proxy's address, and a flood of junk must not lock
    // Slack's own signed clicks out.
    if (!verdict.ok) {
      if (overLimit()) rateLimited();
      else this.refuse(request, response, verdict.reason, verdict.detail);
      return undefined;
    }
    // A verified signature covers its timestamp and body, so seeing it twice means the same request.
    if (!this.replays.firstSeen(verdict.signature, verdict.timestampSeconds, this.now())) {
      this.refuse(request, response, 'replayed', 'this signed request was already received');
      return undefined;
    }
    return rawBody;
  }

  private sourceOf(request: IncomingMessage): string {
    return request.socket.remoteAddress ?? unknownSource;
  }

  private refuse(request: IncomingMessage, response: ServerResponse, reason: RefusalReason, detail: string): void {
    const headers: Record<string, string> = reason === 'rate_limited' ? { 'retry-after': '60' } : {};
    if (!response.headersSent && !response.destroyed) send(response, statusOf[reason], 'refused', headers);
    this.refusals.note(this.sourceOf(request), reason, detail);
  }

  private report({ source, ...counts }: RefusalReport<RefusalReason>): void {
    const refused: RefusedRequest = { ...counts, remoteAddress: source === unknownSource ? undefined : source };
    this.reporting = this.reporting
      .then(() => this.options.onRefused(refused))
      .catch((error: unknown) => this.log(`slack interactions: onRefused failed: ${String(error)}`));
    this.track(this.reporting);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Applies an acked click and tells the clicker the result through its response_url. */
  private async decide(click: ApprovalClick): Promise<void> {
    let result: ApplyDecisionResult;
    try {
      result = await this.options.applyDecision(click.decision);
    } catch (error) {
      this.log(`slack interactions: applying ${click.decision.decision} for ${click.decision.workflowId} failed: ${String(error)}`);
      result = { ok: false, error: 'the decision could not be delivered (see the worker log); try again or use the CLI' };
    }
    const body = result.ok
      ? appliedResponse(click, result.summary, new Date(this.now()).toISOString())
      : result.superseded === true
        ? supersededResponse(click, result.error)
        : refusedResponse(result.error);
    await postResponse(click.responseUrl, body, this.log);
  }
}
