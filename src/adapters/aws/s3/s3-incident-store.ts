// Open incidents as JSON objects on the ObjectStore port (S3 in AWS mode), one object per incident
// so workers never rewrite each other's records: incidents/open/<key>.json while open, moved to
// incidents/closed/<day>/<key>-<closedAt>.json on close, which keeps the history for audits.
import { NonRetryableError } from '../../../domain/errors.js';
import type { Incident, IncidentStore } from '../../../ports/incident-store.js';
import type { ObjectStore } from '../../../ports/object-store.js';

export interface S3IncidentStoreOptions {
  objects: Pick<ObjectStore, 'get' | 'put' | 'delete'>;
  /** Key prefix of the incidents folder ("vigil/"); default none. */
  prefix?: string;
}

/** An incident key as one safe object-name segment ("demand:drift" -> "demand%3Adrift"). */
export function safeSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class S3IncidentStore implements IncidentStore {
  private readonly root: string;

  constructor(private readonly options: S3IncidentStoreOptions) {
    const prefix = options.prefix ?? '';
    this.root = `${prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`}incidents/`;
  }

  openKey(key: string): string {
    return `${this.root}open/${safeSegment(key)}.json`;
  }

  closedKey(key: string, closedAt: string): string {
    return `${this.root}closed/${new Date(closedAt).toISOString().slice(0, 10)}/${safeSegment(key)}-${safeSegment(closedAt)}.json`;
  }

  async open(key: string): Promise<Incident | undefined> {
    const name = this.openKey(key);
    const body = await this.options.objects.get(name);
    if (body === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(body)) as Incident;
    } catch (error) {
      throw new NonRetryableError(`incident ${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'INVALID_RESULT', { cause: error });
    }
  }

  async save(incident: Incident): Promise<void> {
    await this.options.objects.put(this.openKey(incident.key), JSON.stringify(incident, null, 2), 'application/json');
  }

  /** Moves the open record to the closed history; closing an incident that is not open does nothing. */
  async close(key: string, closedAt: string, closedByWindowEnd?: string): Promise<void> {
    if (Number.isNaN(Date.parse(closedAt))) throw new NonRetryableError(`closing incident ${key}: "${closedAt}" is not a timestamp`, 'INVALID_INPUT');
    const incident = await this.open(key);
    if (incident === undefined) return;
    await this.options.objects.put(this.closedKey(key, closedAt), JSON.stringify({ ...incident, closedAt, closedByWindowEnd }, null, 2), 'application/json');
    if (closedByWindowEnd !== undefined) {
      const through = await this.closedThrough(key);
      if (through === undefined || closedByWindowEnd > through) {
        await this.options.objects.put(this.closedThroughKey(key), JSON.stringify({ windowEnd: closedByWindowEnd }), 'application/json');
      }
    }
    await this.options.objects.delete(this.openKey(key));
  }

  closedThroughKey(key: string): string {
    return `${this.root}closed-through/${safeSegment(key)}.json`;
  }

  /** The end of the newest clean window that closed an incident under this key. */
  async closedThrough(key: string): Promise<string | undefined> {
    const body = await this.options.objects.get(this.closedThroughKey(key));
    if (body === undefined) return undefined;
    try {
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { windowEnd?: unknown };
      return typeof parsed.windowEnd === 'string' ? parsed.windowEnd : undefined;
    } catch (error) {
      throw new NonRetryableError(`incident marker ${this.closedThroughKey(key)} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'INVALID_RESULT', { cause: error });
    }
  }
}
