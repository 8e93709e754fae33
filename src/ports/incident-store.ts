// Open alert incidents, so a breach that persists day after day updates one message instead of
// posting anew, and a window without breaches closes the incident.

export interface Incident {
  key: string;
  model: string;
  kind: string;
  openedAt: string;
  lastSeenAt: string;
  /** The latest window that showed the breach. */
  lastWindowEnd: string;
  /** Days (windows) the incident has been seen. */
  occurrences: number;
  /** Message reference per channel ("slack" -> "C123:1700000000.000100"). */
  messageRefs: Record<string, string>;
}

export interface IncidentStore {
  open(key: string): Promise<Incident | undefined>;
  save(incident: Incident): Promise<void>;
  /** Closes the open incident; `closedByWindowEnd` is the end of the clean window that closed it. */
  close(key: string, closedAt: string, closedByWindowEnd?: string): Promise<void>;
  /** The end of the newest clean window that closed an incident under this key, if any. */
  closedThrough(key: string): Promise<string | undefined>;
}
