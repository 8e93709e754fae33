// Test infrastructure only: a minimal client of Trino's statement API (POST /v1/statement, then
// GET each nextUri until the query ends), with cells decoded to the Row values the SQL decoders read.
import { type Cell, type Row } from '../../../src/domain/sql/row.js';

export interface TrinoColumn {
  name: string;
  type: string;
}

export interface TrinoResult {
  columns: TrinoColumn[];
  rows: Row[];
  /**
   * Bytes the statement read from its tables' files (Trino's physicalInputBytes): what Athena,
   * which runs Trino, reports as DataScannedInBytes and bills.
   */
  physicalInputBytes?: number;
}

interface StatementPage {
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  error?: { message?: string; errorName?: string };
  stats?: { physicalInputBytes?: number };
}

export interface TrinoSession {
  user?: string;
  catalog?: string;
  schema?: string;
  /** Session properties (X-Trino-Session), e.g. a limit Athena sets differently. */
  properties?: Readonly<Record<string, string>>;
}

export class TrinoQueryError extends Error {}

export class TrinoClient {
  constructor(
    readonly endpoint: string,
    private readonly session: TrinoSession = {},
  ) {}

  /** The client with another default catalog and schema. */
  withSession(session: TrinoSession): TrinoClient {
    return new TrinoClient(this.endpoint, { ...this.session, ...session });
  }

  /**
   * Runs one statement to its end and returns every row. A one-node server on a loaded machine can
   * miss its own announcement and briefly have no worker (NO_NODES_AVAILABLE): that statement is
   * run again, for up to a minute, as a client of a real cluster would.
   */
  async query(sql: string): Promise<TrinoResult> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        return await this.queryOnce(sql);
      } catch (error) {
        if (!(error instanceof TrinoQueryError && error.message.startsWith('NO_NODES_AVAILABLE')) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async queryOnce(sql: string): Promise<TrinoResult> {
    const headers: Record<string, string> = { 'X-Trino-User': this.session.user ?? 'vigil-test' };
    if (this.session.catalog !== undefined) headers['X-Trino-Catalog'] = this.session.catalog;
    if (this.session.schema !== undefined) headers['X-Trino-Schema'] = this.session.schema;
    const properties = Object.entries(this.session.properties ?? {});
    if (properties.length > 0) headers['X-Trino-Session'] = properties.map(([key, value]) => `${key}=${value}`).join(',');
    let page = await this.page(`${this.endpoint}/v1/statement`, { method: 'POST', body: sql, headers });
    let columns: TrinoColumn[] | undefined;
    const data: unknown[][] = [];
    for (;;) {
      if (page.error !== undefined) throw new TrinoQueryError(`${page.error.errorName ?? 'error'}: ${page.error.message ?? ''}\n${sql}`);
      columns ??= page.columns;
      if (page.data !== undefined) data.push(...page.data);
      if (page.nextUri === undefined) break;
      page = await this.page(page.nextUri, { headers });
    }
    const cols = columns ?? [];
    // The last page's statistics are the finished statement's.
    const read = page.stats?.physicalInputBytes;
    return {
      columns: cols,
      rows: data.map((values) => Object.fromEntries(cols.map((c, i) => [c.name, decodeCell(values[i], c.type, c.name)]))),
      ...(typeof read === 'number' ? { physicalInputBytes: read } : {}),
    };
  }

  private async page(url: string, init: RequestInit): Promise<StatementPage> {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(300_000) });
    const text = await response.text();
    if (!response.ok) throw new TrinoQueryError(`Trino answered HTTP ${response.status} at ${url}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as StatementPage;
  }
}

/**
 * The JSON encoding of a Trino value as a Cell. Doubles come as numbers except NaN and ±Infinity
 * (strings); decimals as text; timestamps and dates as text, kept so.
 */
export function decodeCell(value: unknown, type: string, column: string): Cell {
  if (value === null || value === undefined) return null;
  const base = type.replace(/\(.*$/, '');
  switch (base) {
    case 'double':
    case 'real':
      if (typeof value === 'number') return value;
      if (value === 'NaN') return Number.NaN;
      if (value === 'Infinity') return Number.POSITIVE_INFINITY;
      if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
      break;
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'tinyint':
      if (typeof value === 'number') return value;
      break;
    case 'decimal':
      if (typeof value === 'string' || typeof value === 'number') return Number(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    default:
      if (typeof value === 'string') return value;
  }
  throw new TrinoQueryError(`column ${column}: cannot decode a ${type} given as ${JSON.stringify(value)}`);
}
