// Open incidents as one JSON file under the data folder (local mode). Writes go through a
// temporary file and a rename, so a crash never leaves a half-written file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Incident, IncidentStore } from '../../../ports/incident-store.js';

interface StoredIncidents {
  open: Record<string, Incident>;
  /** Per key, the end of the newest clean window that closed an incident. */
  closedThrough?: Record<string, string>;
}

export class FileIncidentStore implements IncidentStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  open(key: string): Promise<Incident | undefined> {
    return this.serial(async () => (await this.read()).open[key]);
  }

  save(incident: Incident): Promise<void> {
    return this.serial(async () => {
      const stored = await this.read();
      stored.open[incident.key] = incident;
      await this.write(stored);
    });
  }

  close(key: string, _closedAt: string, closedByWindowEnd?: string): Promise<void> {
    return this.serial(async () => {
      const stored = await this.read();
      delete stored.open[key];
      const through = stored.closedThrough?.[key];
      if (closedByWindowEnd !== undefined && (through === undefined || closedByWindowEnd > through)) {
        stored.closedThrough = { ...(stored.closedThrough ?? {}), [key]: closedByWindowEnd };
      }
      await this.write(stored);
    });
  }

  closedThrough(key: string): Promise<string | undefined> {
    return this.serial(async () => (await this.read()).closedThrough?.[key]);
  }

  /** Every open incident, oldest first (the dashboard's overview reads them). */
  listOpen(): Promise<Incident[]> {
    return this.serial(async () => Object.values((await this.read()).open).sort((a, b) => a.openedAt.localeCompare(b.openedAt)));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<StoredIncidents> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as StoredIncidents;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { open: {} };
      throw error;
    }
  }

  private async write(stored: StoredIncidents): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(stored, null, 2));
    await rename(temporary, this.path);
  }
}
