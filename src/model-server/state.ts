// Persists the model server's endpoint table (which version each endpoint serves) to a JSON file,
// so a restarted server comes back serving the same versions.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const affordancesSchema = z
  .object({
    injectLatencyMs: z.number().int().nonnegative().optional(),
    failureRate: z.number().min(0).max(1).optional(),
    broken: z.enum(['nan', 'negative']).optional(),
  })
  .strict();

/**
 * Test affordances: make an endpoint slow, fail a share of invocations with HTTP 500, or return
 * bad predictions (NaN or negative), so smoke-test failure paths can be exercised end to end.
 */
export type TestAffordances = z.infer<typeof affordancesSchema>;

const versionSchema = z.object({ version: z.string(), artifactPath: z.string() }).strict();

const endpointSchema = z
  .object({
    name: z.string(),
    model: z.string(),
    current: versionSchema.optional(),
    previous: versionSchema.optional(),
    updatedAt: z.string(),
    tags: z.record(z.string(), z.string()),
    affordances: affordancesSchema,
  })
  .strict();

export type PersistedEndpoint = z.infer<typeof endpointSchema>;
export type PersistedVersion = z.infer<typeof versionSchema>;

const stateSchema = z.object({ endpoints: z.array(endpointSchema) }).strict();

export function stateFile(stateDir: string): string {
  return join(stateDir, 'endpoints.json');
}

export async function readState(stateDir: string): Promise<PersistedEndpoint[]> {
  let text: string;
  try {
    text = await readFile(stateFile(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${stateFile(stateDir)} is not a valid endpoint state file: ${parsed.error.message}`);
  }
  return parsed.data.endpoints;
}

/** Writes atomically (temporary file, then rename) so a crash never leaves half a file. */
export async function writeState(stateDir: string, endpoints: readonly PersistedEndpoint[]): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const target = stateFile(stateDir);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ endpoints }, null, 2)}\n`, 'utf8');
  await rename(temporary, target);
}
