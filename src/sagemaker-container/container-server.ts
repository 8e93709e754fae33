// The SageMaker inference container: one model, loaded once at start from <model dir>/model.json
// (SageMaker copies the model's files to /opt/ml/model), served by the hosting contract in the
// local model server's formats:
//   GET  /ping          200, empty body: the model is loaded and scores
//   POST /invocations   text/csv or application/json rows in contract order; Accept text/csv or JSON
// Every answer carries X-Vigil-Model-Version.
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArtifact, type ModelArtifact } from '../domain/model/artifact.js';
import { predict } from '../domain/model/predict.js';
import { listen } from '../adapters/shared/http-listen.js';
import { formatPredictions } from '../model-server/codec.js';
import { HttpError, sendError, sendText } from '../model-server/http.js';
import { readInvocation, scoreInvocation } from '../model-server/invocation.js';
import { defaultMaxPayloadBytes, modelVersionHeader } from '../model-server/model-server.js';

export const defaultModelDir = '/opt/ml/model';
export const defaultContainerPort = 8080;
export const artifactFileName = 'model.json';
/** How long in-flight invocations may finish after close(); SageMaker kills 30 s after SIGTERM. */
const defaultDrainMs = 10_000;

export interface ContainerServerOptions {
  modelDir: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 0.0.0.0: SageMaker reaches the container from outside it. */
  host?: string;
  maxPayloadBytes?: number;
  /** When given (the model's VIGIL_MODEL / VIGIL_MODEL_VERSION), the artifact must be this model and version. */
  expect?: { model?: string; version?: string };
  drainMs?: number;
}

export interface ContainerServer {
  url: string;
  port: number;
  artifact: ModelArtifact;
  artifactPath: string;
  close(): Promise<void>;
}

/** The model cannot be served: the message names the file and what is wrong with it. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

async function describeFolder(dir: string): Promise<string> {
  try {
    const entries = await readdir(dir);
    if (entries.length === 0) return `${dir} is empty`;
    const shown = entries.slice(0, 10).join(', ');
    return `${dir} holds ${shown}${entries.length > 10 ? `, and ${entries.length - 10} more` : ''}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} does not exist` : `${dir} cannot be listed (${code ?? String(error)})`;
  }
}

/** Reads, validates and self-checks <modelDir>/model.json. */
export async function loadModelDir(modelDir: string, expect: ContainerServerOptions['expect'] = {}): Promise<{ artifact: ModelArtifact; path: string }> {
  const dir = resolve(modelDir);
  const path = join(dir, artifactFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelLoadError(`no model artifact at ${path}: ${await describeFolder(dir)}`);
    throw new ModelLoadError(`cannot read model artifact ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(`model artifact ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let artifact: ModelArtifact;
  try {
    artifact = parseArtifact(json, `model artifact ${path}`);
  } catch (error) {
    throw new ModelLoadError(error instanceof Error ? error.message : String(error));
  }
  // A SageMaker Model names its version in its environment: serving another one would mislabel every answer.
  for (const key of ['model', 'version'] as const) {
    const wanted = expect[key];
    if (wanted !== undefined && wanted !== '' && artifact[key] !== wanted) {
      throw new ModelLoadError(`model artifact ${path} is ${artifact.model}/${artifact.version}, but this container serves ${key} ${wanted}`);
    }
  }
  // The same self-check the local server makes before a version takes traffic.
  const [probe] = predict(artifact, [artifact.features.map(() => null)]);
  if (probe === undefined || !Number.isFinite(probe)) {
    throw new ModelLoadError(`model artifact ${path} failed its self-check (prediction ${String(probe)} for an all-missing row)`);
  }
  return { artifact, path };
}

function allow(request: IncomingMessage, method: string): void {
  if (request.method !== method) throw new HttpError(405, `method ${request.method ?? ''} not allowed here; use ${method}`);
}

/** Loads the model, then listens: the container answers /ping only once it can score. */
export async function startSageMakerContainerServer(options: ContainerServerOptions): Promise<ContainerServer> {
  const { artifact, path } = await loadModelDir(options.modelDir, options.expect);
  const limit = options.maxPayloadBytes ?? defaultMaxPayloadBytes;
  const versionHeader = { [modelVersionHeader]: artifact.version };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/ping') {
      allow(request, 'GET');
      response.writeHead(200, { 'content-length': '0', ...versionHeader }).end();
      return;
    }
    if (pathname === '/invocations') {
      allow(request, 'POST');
      const { body, contentType, accept } = await readInvocation(request, limit);
      const predictions = scoreInvocation(artifact, contentType, body);
      sendText(response, 200, accept, formatPredictions(accept, predictions, artifact.version), versionHeader);
      return;
    }
    throw new HttpError(404, `no route for ${request.method ?? ''} ${pathname}; this container answers GET /ping and POST /invocations`);
  }

  // Responses not yet written; on close they say `Connection: close`, so no kept-alive socket holds the exit.
  const unanswered = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  const server = createServer((request, response) => {
    if (closing !== undefined) response.setHeader('connection', 'close');
    unanswered.add(response);
    response.once('close', () => unanswered.delete(response));
    handle(request, response).catch((error: unknown) => {
      // Client mistakes are answered; a failure of the container itself also goes to its log.
      if (!(error instanceof HttpError)) console.error(error);
      if (!response.headersSent) response.setHeader(modelVersionHeader, artifact.version);
      sendError(response, error);
    });
  });
  const listening = await listen(server, options.port ?? defaultContainerPort, options.host ?? '0.0.0.0');
  return {
    url: listening.origin,
    port: listening.port,
    artifact,
    artifactPath: path,
    close() {
      closing ??= new Promise<void>((done, fail) => {
        // Stops accepting, lets running invocations answer, then drops whatever is left.
        const drain = setTimeout(() => server.closeAllConnections(), options.drainMs ?? defaultDrainMs);
        server.close((error) => {
          clearTimeout(drain);
          if (error) fail(error);
          else done();
        });
        server.closeIdleConnections();
        for (const response of unanswered) if (!response.headersSent) response.setHeader('connection', 'close');
      });
      return closing;
    },
  };
}
