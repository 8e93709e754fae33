// ModelRegistry for local mode: one JSON file per model under {dataDir}/registry/, written
// atomically (temporary file, then rename), so a crash leaves the old file or the new one. Calls of
// one instance run one at a time, so two updates never read the same file and lose each other.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { NonRetryableError } from '../../../domain/errors.js';
import { approvalTransition } from '../../../domain/retraining/approval-transition.js';
import { checkSameArtifact, pendingVersion, type Registration } from '../../../domain/retraining/registration.js';
import type { ModelReference } from '../../../domain/monitoring/reference.js';
import type { ApprovalStatus, RegisteredVersion } from '../../../domain/retraining/registered-version.js';
import type { ModelRegistry } from '../../../ports/model-registry.js';

const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const statuses = ['PendingManualApproval', 'Approved', 'Rejected'] as const satisfies readonly ApprovalStatus[];

const versionSchema = z.object({
  model: z.string(),
  version: z.string(),
  artifactUri: z.string(),
  status: z.enum(statuses),
  registeredAt: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  origin: z.object({ reason: z.string(), workflowId: z.string() }),
  contract: z.object({ featureSchemaVersion: z.number().int().positive(), hash: z.string() }).optional(),
  reference: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('baseline'), version: z.string().optional() }),
      z.object({
        kind: z.literal('training-window'),
        version: z.string(),
        window: z.object({ start: z.string(), end: z.string() }),
        labelsAsOf: z.string(),
        scoredRowsUri: z.string().optional(),
      }),
    ])
    .optional(),
  decidedBy: z.string().optional(),
  decisionReason: z.string().optional(),
});
const fileSchema = z.object({ model: z.string(), versions: z.array(versionSchema) });
type RegistryFile = z.infer<typeof fileSchema>;

function checkName(kind: string, name: string): void {
  if (!safeName.test(name) || name.includes('..')) {
    throw new NonRetryableError(`${kind} "${name}" must be letters, digits, ".", "_" or "-" (at most 128)`, 'INVALID_NAME');
  }
}

export class FileModelRegistry implements ModelRegistry {
  private queue: Promise<unknown> = Promise.resolve();
  private writes = 0;

  constructor(private readonly dataDir: string) {}

  register(entry: Registration): Promise<RegisteredVersion> {
    return this.serial(async () => {
      checkName('model', entry.model);
      checkName('version', entry.version);
      const file = await this.read(entry.model);
      const existing = file.versions.find((v) => v.version === entry.version);
      if (existing !== undefined) {
        checkSameArtifact(existing, entry);
        return existing;
      }
      const registered = pendingVersion(entry);
      await this.write({ model: entry.model, versions: [...file.versions, registered] });
      return registered;
    });
  }

  setStatus(model: string, version: string, status: ApprovalStatus, decidedBy: string, reason: string): Promise<RegisteredVersion> {
    return this.update(model, version, (current) =>
      // The same decision again (an activity retry, a second click) changes nothing.
      approvalTransition(model, version, current, status) === 'unchanged' ? current : { ...current, status, decidedBy, decisionReason: reason },
    );
  }

  setReference(model: string, version: string, reference: ModelReference): Promise<RegisteredVersion> {
    return this.update(model, version, (current) => ({ ...current, reference }));
  }

  get(model: string, version: string): Promise<RegisteredVersion | undefined> {
    return this.serial(async () => {
      checkName('model', model);
      return (await this.read(model)).versions.find((v) => v.version === version);
    });
  }

  list(model: string): Promise<RegisteredVersion[]> {
    return this.serial(async () => {
      checkName('model', model);
      const { versions } = await this.read(model);
      return [...versions].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.version.localeCompare(b.version));
    });
  }

  /** Replaces one registered version by `change(current)`; the file is written only when it changed. */
  private update(model: string, version: string, change: (current: RegisteredVersion) => RegisteredVersion): Promise<RegisteredVersion> {
    return this.serial(async () => {
      checkName('model', model);
      const file = await this.read(model);
      const index = file.versions.findIndex((v) => v.version === version);
      const current = file.versions[index];
      if (current === undefined) throw new NonRetryableError(`model ${model} has no registered version ${version}`, 'NOT_FOUND');
      const updated = change(current);
      if (updated === current) return current;
      const versions = [...file.versions];
      versions[index] = updated;
      await this.write({ model, versions });
      return updated;
    });
  }

  private pathFor(model: string): string {
    return join(this.dataDir, 'registry', `${model}.json`);
  }

  private async read(model: string): Promise<RegistryFile> {
    const path = this.pathFor(model);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { model, versions: [] };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new NonRetryableError(`model registry file ${path} is not JSON: ${String(error)}`, 'CORRUPT_STATE', { cause: error });
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new NonRetryableError(`model registry file ${path} is malformed: ${problems}`, 'CORRUPT_STATE');
    }
    return parsed.data;
  }

  private async write(file: RegistryFile): Promise<void> {
    const path = this.pathFor(file.model);
    await mkdir(dirname(path), { recursive: true });
    this.writes += 1;
    const temporary = `${path}.${process.pid}.${this.writes}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
    await rename(temporary, path);
  }

  /** Runs `task` after every earlier call of this instance, whether they succeeded or not. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
