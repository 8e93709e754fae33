// An alert as the domain words it, whichever channel (console, Slack, SNS) carries it.

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertBreach {
  /** Feature, facet or "prediction"/"performance". */
  subject: string;
  metric: string;
  value: number | null;
  threshold: number;
  /** value - threshold (or distance outside an allowed range). */
  excess: number | null;
}

export interface Alert {
  /** Stable key of the incident: a breach that persists updates the same incident. */
  incidentKey: string;
  severity: Severity;
  model: string;
  title: string;
  window?: { start: string; end: string };
  breaches: AlertBreach[];
  /** Link to the workflow run in the Temporal UI. */
  runUrl?: string;
  text?: string;
  /**
   * The same for every retry of one send, different for each new update of the incident: a
   * channel that can deduplicate (SNS FIFO, a subscriber) drops a repeat carrying it.
   */
  idempotencyKey?: string;
}
