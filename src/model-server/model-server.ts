// The local model server: hosts named endpoints and speaks the SageMaker inference contract per
// endpoint (POST /endpoints/{name}/invocations, the runtime's path; GET .../ping), plus an admin
// API to point endpoints at model versions blue/green. Stands in for SageMaker in local mode.
//   GET    /ping                              server health
//   GET    /endpoints/{name}/ping             200 when a model is loaded; 404 unknown, 503 none loaded
//   POST   /endpoints/{name}/invocations      text/csv or application/json in; Accept text/csv or JSON
//   GET    /admin/endpoints                   all endpoints
//   PUT    /admin/endpoints/{name}            {model, version, artifactPath, tags?} switches blue/green
//   GET    /admin/endpoints/{name}            status, currentVersion, previousVersion, updatedAt
//   DELETE /admin/endpoints/{name}
//   POST   /admin/identity                    {nonce} -> {proof}: proves the server holds this data dir's token
// Protections, because anything on the machine can reach the port:
// - The admin API answers loopback clients only (403 otherwise) and, except /admin/identity, only
//   with "Authorization: Bearer <token>" (401 otherwise); the token lives in <stateDir>/admin-token
//   (token.ts). Ping and invocations stay open: they are SageMaker's runtime contract.
// - artifactPath must resolve inside artifactsDir and be a regular file under maxArtifactBytes,
//   read with a deadline; errors name the path and the rule, never the file's content
//   (artifact-file.ts).
// - The fault-injection switches, set per endpoint by the PUT — injectLatencyMs, failureRate (share
//   of invocations answered with HTTP 500), broken ("nan" | "negative" predictions) and loadDelayMs
//   (holds a switch open so blue/green can be observed) — exist only when the server is started
//   with faultInjection: true, which only tests pass; otherwise a PUT carrying one is a 400.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../adapters/shared/http-listen.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatPredictions } from './codec.js';
import { readInvocation, scoreInvocation } from './invocation.js';
import { requireAdmin, requireLoopback } from './admin-access.js';
import { defaultArtifactReadTimeoutMs, defaultMaxArtifactBytes } from './artifact-file.js';
import { checkEndpointName, checkFaultSwitches, EndpointRegistry, updateRequestSchema } from './endpoints.js';
import { HttpError, readBody, sendError, sendJson, sendText } from './http.js';
import { identityProof, nonceSchema } from './identity.js';
import type { TestAffordances } from './state.js';
import { adminTokenFile, ensureAdminToken } from './token.js';

/** SageMaker's real-time inference payload limit. */
export const defaultMaxPayloadBytes = 6 * 1024 * 1024;
export const modelVersionHeader = 'x-vigil-model-version';

export interface ModelServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where the endpoint table (endpoints.json) and the admin token (admin-token) live. */
  stateDir: string;
  /** The only folder artifacts are loaded from; in Vigil's layout <dataDir>/models. */
  artifactsDir: string;
  maxPayloadBytes?: number;
  /** Default 16 MiB. */
  maxArtifactBytes?: number;
  /** Default 5 s. */
  artifactReadTimeoutMs?: number;
  /** Accept the fault-injection switches (tests only). Default false. */
  faultInjection?: boolean;
}

export interface ModelServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Route =
  | { kind: 'health' }
  | { kind: 'ping' | 'invoke' | 'admin'; name: string }
  | { kind: 'adminList' }
  | { kind: 'identity' };

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `malformed URL segment "${part}"`);
  }
}

function route(pathname: string): Route | undefined {
  if (pathname === '/ping') return { kind: 'health' };
  if (pathname === '/admin/endpoints') return { kind: 'adminList' };
  if (pathname === '/admin/identity') return { kind: 'identity' };
  const parts = pathname.split('/').slice(1).map(decodePart);
  if (parts.length === 3 && parts[0] === 'endpoints' && (parts[2] === 'ping' || parts[2] === 'invocations')) {
    return { kind: parts[2] === 'ping' ? 'ping' : 'invoke', name: parts[1] ?? '' };
  }
  if (parts.length === 3 && parts[0] === 'admin' && parts[1] === 'endpoints') return { kind: 'admin', name: parts[2] ?? '' };
  return undefined;
}

function allow(method: string | undefined, allowed: readonly string[]): void {
  if (!allowed.includes(method ?? '')) throw new HttpError(405, `method ${method ?? ''} not allowed here; use ${allowed.join(' or ')}`);
}

/** Applies the endpoint's test affordances to a successful scoring. */
function applyAffordances(affordances: TestAffordances, predictions: number[]): number[] {
  if (affordances.failureRate !== undefined && Math.random() < affordances.failureRate) {
    throw new HttpError(500, 'injected failure (failureRate test affordance)');
  }
  if (affordances.broken === 'nan') return predictions.map(() => Number.NaN);
  if (affordances.broken === 'negative') return predictions.map((value) => -Math.abs(value) - 1);
  return predictions;
}

/** What every request of one server shares. */
interface ServerState {
  registry: EndpointRegistry;
  token: string;
  tokenFile: string;
  /** Largest request body read, in bytes. */
  limit: number;
  faultInjection: boolean;
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const state = await openState(options);
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => sendError(response, error));
  });
  const listening = await listen(server, options.port, options.host);
  return {
    url: listening.origin,
    port: listening.port,
    async close() {
      await closeServer(server);
      await state.registry.idle();
    },
  };
}

/** The admin token (created on first start) and the endpoint table as the last run left it. */
async function openState(options: ModelServerOptions): Promise<ServerState> {
  const token = await ensureAdminToken(options.stateDir);
  const faultInjection = options.faultInjection === true;
  const registry = new EndpointRegistry({
    stateDir: options.stateDir,
    artifactFile: {
      root: options.artifactsDir,
      maxBytes: options.maxArtifactBytes ?? defaultMaxArtifactBytes,
      timeoutMs: options.artifactReadTimeoutMs ?? defaultArtifactReadTimeoutMs,
    },
    faultInjection,
  });
  await registry.restore();
  return { registry, token, tokenFile: adminTokenFile(options.stateDir), limit: options.maxPayloadBytes ?? defaultMaxPayloadBytes, faultInjection };
}

async function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = route(new URL(request.url ?? '/', 'http://localhost').pathname);
  if (target === undefined) throw new HttpError(404, `no route for ${request.method ?? ''} ${request.url ?? ''}`);
  switch (target.kind) {
    case 'health':
      allow(request.method, ['GET']);
      sendJson(response, 200, { status: 'ok' });
      return;
    case 'adminList':
      requireAdmin(request, state.token, state.tokenFile);
      allow(request.method, ['GET']);
      sendJson(response, 200, { endpoints: state.registry.list() });
      return;
    case 'identity':
      // No token: the point is to prove the server holds it without it crossing the wire.
      requireLoopback(request);
      allow(request.method, ['POST']);
      await identity(state, request, response);
      return;
    case 'ping': {
      allow(request.method, ['GET']);
      const { version } = state.registry.serving(target.name);
      sendJson(response, 200, { status: 'ok', model_version: version.version }, { [modelVersionHeader]: version.version });
      return;
    }
    case 'invoke':
      allow(request.method, ['POST']);
      await invoke(state, target.name, request, response);
      return;
    case 'admin':
      requireAdmin(request, state.token, state.tokenFile);
      await admin(state, target.name, request, response);
      return;
  }
}

async function readJson(state: ServerState, request: IncomingMessage, shape: string): Promise<unknown> {
  const text = (await readBody(request, state.limit)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `body must be JSON: ${shape}`);
  }
}

async function identity(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const parsed = nonceSchema.safeParse(await readJson(state, request, '{"nonce"}'));
  if (!parsed.success) throw new HttpError(400, 'identity challenge must be {"nonce": 32-128 lowercase hex digits}');
  sendJson(response, 200, { proof: identityProof(state.token, request.socket.localPort ?? 0, parsed.data.nonce) });
}

async function invoke(state: ServerState, name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { body, contentType, accept } = await readInvocation(request, state.limit);
  // Captured once: a request that arrives during a switch is answered wholly by one version.
  const { version, affordances } = state.registry.serving(name);
  const predictions = applyAffordances(affordances, scoreInvocation(version.artifact, contentType, body));
  if (affordances.injectLatencyMs !== undefined) await sleep(affordances.injectLatencyMs);
  sendText(response, 200, accept, formatPredictions(accept, predictions, version.version), { [modelVersionHeader]: version.version });
}

async function admin(state: ServerState, name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  checkEndpointName(name);
  allow(request.method, ['GET', 'PUT', 'DELETE']);
  if (request.method === 'GET') {
    const description = state.registry.describe(name);
    if (description === undefined) throw new HttpError(404, `endpoint "${name}" does not exist`);
    sendJson(response, 200, description);
  } else if (request.method === 'DELETE') {
    if (!(await state.registry.delete(name))) throw new HttpError(404, `endpoint "${name}" does not exist`);
    response.writeHead(204).end();
  } else {
    const parsed = updateRequestSchema.safeParse(await readJson(state, request, '{"model", "version", "artifactPath"}'));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new HttpError(400, `invalid endpoint update: ${problems.join('; ')}`, problems);
    }
    checkFaultSwitches(parsed.data, state.faultInjection);
    sendJson(response, 200, await state.registry.update(name, parsed.data));
  }
}
