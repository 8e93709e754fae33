// Request and response bodies of the inference contract: text/csv (one row per line, contract
// order, no header) or application/json ({"instances": [...]}) in; CSV lines or
// {"predictions": [...], "model_version": ...} out.
import { rowFromRecord, type CoercionSpec, type RawValue } from '../domain/model/coerce.js';
import { HttpError } from './http.js';

export type MediaType = 'text/csv' | 'application/json';

function mediaType(header: string): string {
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

export function contentTypeOf(header: string | undefined): MediaType {
  const type = mediaType(header ?? '');
  if (type === 'text/csv' || type === 'application/json') return type;
  throw new HttpError(415, `Content-Type must be text/csv or application/json, got "${header ?? ''}"`);
}

/** The first acceptable type in the Accept header; JSON when absent or a wildcard. */
export function acceptOf(header: string | undefined): MediaType {
  if (header === undefined || header.trim() === '') return 'application/json';
  for (const part of header.split(',')) {
    const type = mediaType(part);
    if (type === 'text/csv' || type === 'application/json') return type;
    if (type === '*/*' || type === 'application/*') return 'application/json';
    if (type === 'text/*') return 'text/csv';
  }
  throw new HttpError(406, `Accept must allow text/csv or application/json, got "${header}"`);
}

/** Parses CSV with RFC 4180 quoting; empty lines are skipped, empty cells are missing values. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let rowHasContent = false;
  const endCell = (): void => {
    row.push(cell);
    cell = '';
  };
  const endRow = (): void => {
    endCell();
    if (rowHasContent || row.length > 1) rows.push(row);
    row = [];
    rowHasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
      continue;
    }
    if (char === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (char === ',') endCell();
    else if (char === '\n') endRow();
    else if (char === '\r' && text[i + 1] === '\n') continue;
    else {
      cell += char;
      rowHasContent = true;
    }
  }
  if (quoted) throw new HttpError(400, 'CSV body ends inside a quoted value');
  if (cell !== '' || row.length > 0 || rowHasContent) endRow();
  return rows;
}

function isScalar(value: unknown): value is RawValue {
  return value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

/** Reads {"instances": [[...], ...]} or {"instances": [{feature: value}, ...]} into ordered rows. */
export function parseJsonInstances(text: string, specs: readonly CoercionSpec[]): RawValue[][] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const instances: unknown = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { instances?: unknown }).instances : undefined;
  if (!Array.isArray(instances)) throw new HttpError(400, 'JSON body must be {"instances": [...]}');
  const rows: RawValue[][] = [];
  const problems: string[] = [];
  instances.forEach((instance: unknown, index) => {
    const at = `row ${index + 1}`;
    if (Array.isArray(instance)) {
      const bad = instance.findIndex((value) => !isScalar(value));
      if (bad >= 0) problems.push(`${at}: value ${bad + 1} (${JSON.stringify(instance[bad])}) is not a number, string, boolean or null`);
      else rows.push(instance as RawValue[]);
      return;
    }
    if (typeof instance === 'object' && instance !== null) {
      const record = instance as Record<string, unknown>;
      const bad = Object.entries(record).find(([, value]) => !isScalar(value));
      if (bad !== undefined) {
        problems.push(`${at}: feature "${bad[0]}": ${JSON.stringify(bad[1])} is not a number, string, boolean or null`);
        return;
      }
      const ordered = rowFromRecord(specs, record as Record<string, RawValue>);
      if (ordered.ok) rows.push(ordered.row);
      else problems.push(...ordered.problems.map((problem) => `${at}: ${problem}`));
      return;
    }
    problems.push(`${at}: an instance must be an array (contract order) or an object keyed by feature`);
  });
  if (problems.length > 0) throw new HttpError(400, problems.slice(0, 10).join('; '), problems);
  return rows;
}

/** CSV keeps full precision: String(number) round-trips; NaN is written as "NaN". */
export function formatPredictions(accept: MediaType, predictions: readonly number[], modelVersion: string): string {
  if (accept === 'text/csv') return predictions.map((value) => `${String(value)}\n`).join('');
  return JSON.stringify({ predictions, model_version: modelVersion });
}
