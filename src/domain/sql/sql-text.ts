// Dialect-neutral helpers for building SQL text safely: identifier checks, literal formatting and
// ISO timestamp normalisation. Values never reach SQL text without going through these.

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SqlBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlBuildError';
  }
}

/** Throws unless `name` is a plain SQL identifier (letters, digits, underscore). */
export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!identifierPattern.test(name)) {
    throw new SqlBuildError(`${what} "${name}" is not a SQL-safe identifier (letters, digits, underscore)`);
  }
  return name;
}

/** Splits "db.table" (or "table") into validated parts. */
export function tableNameParts(name: string): string[] {
  const parts = name.split('.');
  if (parts.length > 2) throw new SqlBuildError(`table name "${name}" has more than one dot`);
  return parts.map((part) => assertIdentifier(part, `table name part of "${name}"`));
}

/** Single-quoted string literal; the only escape both engines need is a doubled quote. */
export function stringLiteral(value: string): string {
  if (value.includes('\u0000')) throw new SqlBuildError('string literal contains a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A double literal that both engines parse as DOUBLE (not DECIMAL): scientific notation with the
 * shortest digits that round-trip, so an edge compares exactly as the value Node holds.
 */
export function doubleLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new SqlBuildError(`cannot write non-finite number ${value} as SQL`);
  return value.toExponential();
}

export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new SqlBuildError(`${value} is not a safe integer`);
  return String(value);
}

const zonedIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Normalises an ISO-8601 instant to UTC with milliseconds ("2024-05-01T00:00:00.000Z"), the form
 * result tables store. A date-time without a zone is refused: it would mean local time.
 */
export function isoUtc(value: string, what = 'timestamp'): string {
  if (!zonedIso.test(value) && !dateOnly.test(value)) {
    throw new SqlBuildError(`${what} "${value}" must be an ISO-8601 date or a date-time with a zone (Z or ±hh:mm)`);
  }
  const millis = Date.parse(value);
  // Date.parse rolls "02-30" over into March; a calendar date must exist as written.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  if (Number.isNaN(millis) || calendar.getUTCMonth() + 1 !== month || calendar.getUTCDate() !== day) {
    throw new SqlBuildError(`${what} "${value}" is not a valid date`);
  }
  return new Date(millis).toISOString();
}

/** A [start, end) window with both ends normalised; throws when it is empty or reversed. */
export function normaliseWindow(window: { start: string; end: string }): { start: string; end: string } {
  const start = isoUtc(window.start, 'window start');
  const end = isoUtc(window.end, 'window end');
  if (start >= end) throw new SqlBuildError(`window start ${start} is not before window end ${end}`);
  return { start, end };
}
