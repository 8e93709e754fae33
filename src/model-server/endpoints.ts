// The model server's endpoint table. Switching an endpoint to a new version is blue/green: the new
// artifact is loaded and must answer a self-check before traffic moves; until then (and if it
// fails) the old version keeps serving. Updates to one endpoint run one at a time.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { artifactFormat, parseArtifact, type ModelArtifact } from '../domain/model/artifact.js';
import { predict } from '../domain/model/predict.js';
import { readArtifactFile, type ArtifactFileRules } from './artifact-file.js';
import { HttpError } from './http.js';
import {
  affordancesSchema,
  readState,
  writeState,
  type PersistedEndpoint,
  type PersistedVersion,
  type TestAffordances,
} from './state.js';

export type EndpointStatus = 'Creating' | 'Updating' | 'InService' | 'Failed';

export interface LoadedVersion extends PersistedVersion {
  artifact: ModelArtifact;
}

export interface EndpointView extends TestAffordances {
  name: string;
  model: string;
  status: EndpointStatus;
  currentVersion?: string;
  previousVersion?: string;
  /** The version being loaded while status is Updating or Creating. */
  pendingVersion?: string;
  updatedAt: string;
  /** Why the last update (or the load at startup) failed. */
  failureReason?: string;
  tags: Record<string, string>;
}

export const updateRequestSchema = z
  .object({
    model: z.string().min(1),
    version: z.string().min(1),
    artifactPath: z.string().min(1),
    tags: z.record(z.string(), z.string()).optional(),
    /** Test affordance: hold the switch this long after loading, to observe blue/green. */
    loadDelayMs: z.number().int().nonnegative().max(600_000).optional(),
  })
  .extend(affordancesSchema.shape)
  .strict();

export type UpdateRequest = z.infer<typeof updateRequestSchema>;

/** The fields that only a server started with faultInjection accepts. */
export const faultSwitches = ['injectLatencyMs', 'failureRate', 'broken', 'loadDelayMs'] as const;

/** 400 naming the first fault-injection switch in the request, unless the server allows them. */
export function checkFaultSwitches(request: UpdateRequest, faultInjection: boolean): void {
  if (faultInjection) return;
  const used = faultSwitches.find((field) => request[field] !== undefined);
  if (used !== undefined) {
    throw new HttpError(400, `field "${used}" is a fault-injection switch; this model server was started without faultInjection`);
  }
}

export interface RegistryOptions {
  /** Where the endpoint table is persisted. */
  stateDir: string;
  artifactFile: ArtifactFileRules;
  /** Without it, switches persisted by an earlier test run are dropped on restore. */
  faultInjection: boolean;
}

interface Entry {
  name: string;
  model: string;
  status: EndpointStatus;
  current?: LoadedVersion;
  previous?: PersistedVersion;
  pendingVersion?: string;
  updatedAt: string;
  failureReason?: string;
  tags: Record<string, string>;
  affordances: TestAffordances;
  /** Tail of this endpoint's update chain. */
  queue: Promise<unknown>;
}

const endpointName = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function checkEndpointName(name: string): void {
  if (!endpointName.test(name)) {
    throw new HttpError(400, `endpoint name "${name}" must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen`);
  }
}

/** Reads, validates and self-checks an artifact; errors are 400s naming the path and the cause, never its content. */
async function loadVersion(model: string, version: PersistedVersion, rules: ArtifactFileRules): Promise<LoadedVersion> {
  const text = await readArtifactFile(version.artifactPath, rules);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, `artifact "${version.artifactPath}" is not a valid model artifact (JSON)`);
  }
  let artifact: ModelArtifact;
  try {
    artifact = parseArtifact(json, `artifact "${version.artifactPath}"`);
  } catch {
    // parseArtifact's details can quote values from the file; the host validated it in detail when it created the version.
    throw new HttpError(400, `artifact "${version.artifactPath}" is not a valid model artifact (${artifactFormat} format)`);
  }
  if (artifact.model !== model || artifact.version !== version.version) {
    throw new HttpError(
      400,
      `artifact "${version.artifactPath}" is ${artifact.model}/${artifact.version}, not ${model}/${version.version}`,
    );
  }
  // The ping a new version must answer before it takes traffic: score an all-missing row.
  const [probe] = predict(artifact, [artifact.features.map(() => null)]);
  if (probe === undefined || !Number.isFinite(probe)) {
    throw new HttpError(400, `artifact "${version.artifactPath}" failed its self-check (prediction ${String(probe)})`);
  }
  return { ...version, artifact };
}

function view(entry: Entry): EndpointView {
  const result: EndpointView = {
    name: entry.name,
    model: entry.model,
    status: entry.status,
    updatedAt: entry.updatedAt,
    tags: entry.tags,
    ...entry.affordances,
  };
  if (entry.current !== undefined) result.currentVersion = entry.current.version;
  if (entry.previous !== undefined) result.previousVersion = entry.previous.version;
  if (entry.pendingVersion !== undefined) result.pendingVersion = entry.pendingVersion;
  if (entry.failureReason !== undefined) result.failureReason = entry.failureReason;
  return result;
}

function persisted(entry: Entry): PersistedEndpoint {
  const result: PersistedEndpoint = {
    name: entry.name,
    model: entry.model,
    updatedAt: entry.updatedAt,
    tags: entry.tags,
    affordances: entry.affordances,
  };
  if (entry.current !== undefined) result.current = { version: entry.current.version, artifactPath: entry.current.artifactPath };
  if (entry.previous !== undefined) result.previous = entry.previous;
  return result;
}

function affordancesOf(request: UpdateRequest): TestAffordances {
  const result: TestAffordances = {};
  if (request.injectLatencyMs !== undefined) result.injectLatencyMs = request.injectLatencyMs;
  if (request.failureRate !== undefined) result.failureRate = request.failureRate;
  if (request.broken !== undefined) result.broken = request.broken;
  return result;
}

export class EndpointRegistry {
  private readonly entries = new Map<string, Entry>();
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: RegistryOptions,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Reloads the persisted endpoints; one whose artifact no longer loads comes back as Failed. */
  async restore(): Promise<void> {
    for (const saved of await readState(this.options.stateDir)) {
      const entry: Entry = {
        name: saved.name,
        model: saved.model,
        status: 'InService',
        updatedAt: saved.updatedAt,
        tags: saved.tags,
        affordances: this.options.faultInjection ? saved.affordances : {},
        queue: Promise.resolve(),
      };
      if (saved.previous !== undefined) entry.previous = saved.previous;
      if (saved.current === undefined) entry.status = 'Failed';
      else {
        try {
          entry.current = await loadVersion(saved.model, saved.current, this.options.artifactFile);
        } catch (error) {
          entry.status = 'Failed';
          entry.failureReason = `on restart, ${saved.current.version}: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      this.entries.set(entry.name, entry);
    }
  }

  list(): EndpointView[] {
    return [...this.entries.values()].map(view).sort((a, b) => a.name.localeCompare(b.name));
  }

  describe(name: string): EndpointView | undefined {
    const entry = this.entries.get(name);
    return entry === undefined ? undefined : view(entry);
  }

  /** What an invocation needs: the version serving now and the endpoint's test affordances. */
  serving(name: string): { version: LoadedVersion; affordances: TestAffordances } {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new HttpError(404, `endpoint "${name}" does not exist`);
    if (entry.current === undefined) throw new HttpError(503, `endpoint "${name}" has no model loaded (status ${entry.status})`);
    return { version: entry.current, affordances: entry.affordances };
  }

  /** Points an endpoint at a version; resolves once the new version serves (or rejects). */
  update(name: string, request: UpdateRequest): Promise<EndpointView> {
    checkEndpointName(name);
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = {
        name,
        model: request.model,
        status: 'Creating',
        updatedAt: this.now(),
        tags: request.tags ?? {},
        affordances: {},
        queue: Promise.resolve(),
      };
      this.entries.set(name, entry);
    }
    const target = entry;
    const run = target.queue.then(() => this.switchVersion(target, request));
    target.queue = run.catch(() => undefined);
    return run;
  }

  private async switchVersion(entry: Entry, request: UpdateRequest): Promise<EndpointView> {
    const artifactPath = resolve(request.artifactPath);
    const sameVersion =
      entry.current !== undefined && entry.model === request.model && entry.current.version === request.version && entry.current.artifactPath === artifactPath;
    if (!sameVersion) {
      entry.status = entry.current === undefined ? 'Creating' : 'Updating';
      entry.pendingVersion = request.version;
      try {
        const loaded = await loadVersion(request.model, { version: request.version, artifactPath }, this.options.artifactFile);
        if (request.loadDelayMs !== undefined) await sleep(request.loadDelayMs);
        if (entry.current !== undefined) entry.previous = { version: entry.current.version, artifactPath: entry.current.artifactPath };
        entry.current = loaded;
        entry.model = request.model;
        delete entry.failureReason;
      } catch (error) {
        entry.failureReason = error instanceof Error ? error.message : String(error);
        throw error;
      } finally {
        delete entry.pendingVersion;
        entry.status = entry.current === undefined ? 'Failed' : 'InService';
        entry.updatedAt = this.now();
        await this.save();
      }
    }
    entry.tags = request.tags ?? entry.tags;
    entry.affordances = affordancesOf(request);
    entry.updatedAt = this.now();
    await this.save();
    return view(entry);
  }

  /** Removes an endpoint once its pending updates are done; false when it does not exist. */
  async delete(name: string): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined) return false;
    await entry.queue;
    if (this.entries.get(name) !== entry) return false;
    this.entries.delete(name);
    await this.save();
    return true;
  }

  /** Waits for running updates and state writes. */
  async idle(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.queue));
    await this.saving;
  }

  private save(): Promise<void> {
    // Chained so writes never interleave; each writes the whole table as it is then.
    const next = this.saving.then(() => writeState(this.options.stateDir, [...this.entries.values()].map(persisted)));
    this.saving = next.catch(() => undefined);
    return next;
  }
}
