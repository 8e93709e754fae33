// ModelHost for local mode: model versions are artifact files under the data folder
// ({dataDir}/models/{model}/{version}.json, with a .meta.json beside each), endpoints live on the
// local model server, reached over HTTP like SageMaker's runtime and control plane. Admin calls
// carry the bearer token the server keeps in {dataDir}/model-server/admin-token.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NonRetryableError, RetryableError } from '../../../domain/errors.js';
import type { EndpointMove } from '../../../domain/deploy/types.js';
import { ArtifactError, parseArtifact } from '../../../domain/model/artifact.js';
import type { EndpointDescription, InvokeResult, ModelHost, ModelVersionRef, PointOptions } from '../../../ports/model-host.js';
import { csvBatches } from '../../shared/csv-payload.js';
import { modelVersionHeader } from '../../../model-server/model-server.js';
import { modelServerStateDir, readAdminToken } from '../../../model-server/token.js';
import { pathExists } from '../../shared/path-exists.js';

export interface LocalModelHostOptions {
  /** Base URL of the local model server, e.g. http://127.0.0.1:8080. */
  serverUrl: string;
  dataDir: string;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Invocations larger than this are sent in several requests. Default 5 MiB (server allows 6). */
  maxPayloadBytes?: number;
}

const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const metaSchema = z.object({ createdAt: z.string() }).passthrough();
const describeSchema = z.object({
  name: z.string(),
  model: z.string(),
  status: z.enum(['Creating', 'Updating', 'InService', 'RollingBack', 'Failed', 'Deleting', 'OutOfService']),
  currentVersion: z.string().optional(),
  pendingVersion: z.string().optional(),
});

function checkName(kind: string, name: string): void {
  if (!safeName.test(name) || name.includes('..')) {
    throw new NonRetryableError(`${kind} "${name}" must be letters, digits, ".", "_" or "-" (at most 128)`, 'INVALID_NAME');
  }
}

/** The artifacts folder of a data dir: the only folder its model server loads artifacts from. */
export function modelsDirOf(dataDir: string): string {
  return join(dataDir, 'models');
}

export function artifactPathFor(dataDir: string, model: string, version: string): string {
  checkName('model', model);
  checkName('version', version);
  return join(modelsDirOf(dataDir), model, `${version}.json`);
}

function metaPathFor(artifactPath: string): string {
  return artifactPath.replace(/\.json$/, '.meta.json');
}


async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

function sourcePath(uri: string): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new NonRetryableError(`artifact URI "${uri}" is not a local path or file:// URI`, 'UNSUPPORTED_URI');
  }
  return uri;
}

function httpErrorCode(status: number): string {
  if (status === 400) return 'INVALID_INPUT';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'THROTTLED';
  return status >= 500 ? 'HTTP_5XX' : `HTTP_${status}`;
}

export class LocalModelHost implements ModelHost {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxPayloadBytes: number;
  /** Read on the first admin call, after the server has created it. */
  private adminToken: Promise<string> | undefined;

  constructor(private readonly options: LocalModelHostOptions) {
    this.baseUrl = options.serverUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 5 * 1024 * 1024;
  }

  async createModelVersion(ref: ModelVersionRef, tags: Record<string, string>): Promise<void> {
    const target = artifactPathFor(this.options.dataDir, ref.model, ref.version);
    // Idempotent by version name: the artifact is written last, so its presence means done.
    if (await pathExists(target)) return;
    const source = sourcePath(ref.artifactUri);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      throw new NonRetryableError(`model ${ref.model}/${ref.version}: cannot read artifact "${source}": ${String(error)}`, 'NOT_FOUND', { cause: error });
    }
    try {
      const artifact = parseArtifact(JSON.parse(text), `artifact "${source}"`);
      if (artifact.model !== ref.model || artifact.version !== ref.version) {
        throw new ArtifactError(`artifact "${source}" is ${artifact.model}/${artifact.version}, not ${ref.model}/${ref.version}`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new NonRetryableError(`model ${ref.model}/${ref.version}: ${message}`, 'INVALID_ARTIFACT', { cause: error });
    }
    const meta = { model: ref.model, version: ref.version, createdAt: new Date().toISOString(), sourceUri: ref.artifactUri, tags };
    await writeAtomically(metaPathFor(target), `${JSON.stringify(meta, null, 2)}\n`);
    await writeAtomically(target, text);
  }

  /** The server always switches at once (blue/green, no traffic steps): the traffic option has nothing to choose. */
  async pointEndpoint(endpoint: string, ref: ModelVersionRef, tags: Record<string, string>, _options?: PointOptions): Promise<EndpointMove> {
    const artifactPath = artifactPathFor(this.options.dataDir, ref.model, ref.version);
    if (!(await pathExists(artifactPath))) {
      throw new NonRetryableError(
        `endpoint "${endpoint}": model version ${ref.model}/${ref.version} does not exist (create it first)`,
        'NOT_FOUND',
      );
    }
    // The server switches blue/green and answers once the new version serves.
    await this.request(`point endpoint "${endpoint}" at ${ref.model}/${ref.version}`, 'PUT', `/admin/endpoints/${encodeURIComponent(endpoint)}`, {
      body: JSON.stringify({ model: ref.model, version: ref.version, artifactPath, tags }),
      contentType: 'application/json',
      admin: true,
    });
    // The server has no bake period that could revert the switch.
    return { moved: true };
  }

  async describeEndpoint(endpoint: string): Promise<EndpointDescription | undefined> {
    const description = await this.describe(endpoint);
    if (description === undefined) return undefined;
    const result: EndpointDescription = { name: description.name, status: description.status };
    if (description.currentVersion !== undefined) result.currentVersion = description.currentVersion;
    return result;
  }

  async invoke(endpoint: string, rows: (number | string | boolean | null)[][]): Promise<InvokeResult> {
    const predictions: number[] = [];
    let latencyMs = 0;
    let modelVersion: string | undefined;
    // A row over the limit still goes, alone: the server's own limit (6 MiB) is above the default.
    for (const batch of csvBatches(rows, this.maxPayloadBytes, 'alone')) {
      const started = performance.now();
      const context = batch.count === rows.length ? `invoke endpoint "${endpoint}"` : `invoke endpoint "${endpoint}" (rows ${batch.first + 1}-${batch.first + batch.count})`;
      const { text: response, headers } = await this.request(context, 'POST', `/endpoints/${encodeURIComponent(endpoint)}/invocations`, {
        body: batch.body,
        contentType: 'text/csv',
        accept: 'text/csv',
      });
      modelVersion = headers.get(modelVersionHeader) ?? modelVersion;
      const lines = response.split('\n').filter((line) => line.trim() !== '');
      latencyMs += performance.now() - started;
      const values = lines.map((line) => (line.trim() === 'NaN' ? Number.NaN : Number(line)));
      if (values.length !== batch.count || values.some((value, index) => Number.isNaN(value) && lines[index]?.trim() !== 'NaN')) {
        throw new NonRetryableError(`${context}: expected ${batch.count} numeric predictions, got ${JSON.stringify(response.slice(0, 200))}`, 'BAD_RESPONSE');
      }
      predictions.push(...values);
    }
    const result: InvokeResult = { predictions, latencyMs };
    if (modelVersion !== undefined) result.modelVersion = modelVersion;
    return result;
  }

  async listModelVersions(model: string): Promise<{ version: string; createdAt: string }[]> {
    checkName('model', model);
    const folder = join(modelsDirOf(this.options.dataDir), model);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const versions = await Promise.all(
      names
        .filter((name) => name.endsWith('.json') && !name.endsWith('.meta.json'))
        .map(async (name) => {
          const path = join(folder, name);
          return { version: name.slice(0, -'.json'.length), createdAt: await this.createdAt(path) };
        }),
    );
    return versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
  }

  async deleteEndpoint(endpoint: string): Promise<void> {
    try {
      await this.request(`delete endpoint "${endpoint}"`, 'DELETE', `/admin/endpoints/${encodeURIComponent(endpoint)}`, { admin: true });
    } catch (error) {
      if (!(error instanceof NonRetryableError && error.code === 'NOT_FOUND')) throw error;
    }
  }

  async deleteModelVersion(model: string, version: string): Promise<void> {
    const artifactPath = artifactPathFor(this.options.dataDir, model, version);
    // Refuse to pull the artifact from under an endpoint that serves (or is switching to) it.
    const { text: listing } = await this.request('list endpoints', 'GET', '/admin/endpoints', { admin: true });
    const endpoints = z.object({ endpoints: z.array(describeSchema) }).parse(JSON.parse(listing)).endpoints;
    const users = endpoints.filter((e) => e.model === model && (e.currentVersion === version || e.pendingVersion === version));
    if (users.length > 0) {
      throw new NonRetryableError(
        `model version ${model}/${version} is in use by endpoint(s) ${users.map((e) => `"${e.name}"`).join(', ')}`,
        'IN_USE',
      );
    }
    await rm(artifactPath, { force: true });
    await rm(metaPathFor(artifactPath), { force: true });
  }

  private async describe(endpoint: string): Promise<z.infer<typeof describeSchema> | undefined> {
    try {
      const { text } = await this.request(`describe endpoint "${endpoint}"`, 'GET', `/admin/endpoints/${encodeURIComponent(endpoint)}`, { admin: true });
      return describeSchema.parse(JSON.parse(text));
    } catch (error) {
      if (error instanceof NonRetryableError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  private async createdAt(artifactPath: string): Promise<string> {
    try {
      return metaSchema.parse(JSON.parse(await readFile(metaPathFor(artifactPath), 'utf8'))).createdAt;
    } catch {
      return (await stat(artifactPath)).mtime.toISOString();
    }
  }

  private async token(context: string): Promise<string> {
    this.adminToken ??= readAdminToken(modelServerStateDir(this.options.dataDir));
    try {
      return await this.adminToken;
    } catch (error) {
      // Not cached: the server may create the token later.
      this.adminToken = undefined;
      throw new NonRetryableError(`${context}: ${error instanceof Error ? error.message : String(error)}`, 'NO_ADMIN_TOKEN', { cause: error });
    }
  }

  /** One HTTP call; 4xx -> NonRetryableError, 5xx/429/connection/timeout -> RetryableError. */
  private async request(
    context: string,
    method: string,
    path: string,
    options: { body?: string; contentType?: string; accept?: string; admin?: boolean } = {},
  ): Promise<{ text: string; headers: Headers }> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (options.admin === true) headers.authorization = `Bearer ${await this.token(context)}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body ?? null,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : `model server ${this.baseUrl} unreachable${cause}`;
      throw new RetryableError(`${context}: ${reason}`, timedOut ? 'TIMEOUT' : 'CONNECTION', { cause: error });
    }
    const text = await response.text();
    if (response.ok) return { text, headers: response.headers };
    let detail = text;
    try {
      const parsed = z.object({ error: z.string() }).safeParse(JSON.parse(text));
      if (parsed.success) detail = parsed.data.error;
    } catch {
      // Not JSON: keep the raw text.
    }
    const message = `${context}: ${detail} (HTTP ${response.status})`;
    const code = httpErrorCode(response.status);
    if (response.status >= 500 || response.status === 429) throw new RetryableError(message, code);
    throw new NonRetryableError(message, code);
  }
}
