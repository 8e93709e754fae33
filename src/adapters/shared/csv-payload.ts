// Rows as CSV request bodies (RFC 4180), split to stay under a model endpoint's payload limit: the
// local model server and SageMaker endpoints take the same text/csv invocations.

export type Cell = number | string | boolean | null;

export interface CsvBatch {
  /** Index of the batch's first row in the rows given. */
  first: number;
  count: number;
  body: string;
}

/** One CSV field: null is empty; fields holding a comma, quote or line break are quoted. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(row: readonly Cell[]): string {
  return `${row.map(csvField).join(',')}\n`;
}

export class RowTooLargeError extends Error {
  constructor(
    readonly row: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`row ${row + 1} alone is ${bytes} bytes of CSV, over the ${limit}-byte request limit`);
    this.name = 'RowTooLargeError';
  }
}

/**
 * Splits rows into CSV bodies of at most maxBytes (UTF-8), keeping row order. A single row over
 * maxBytes throws RowTooLargeError with `oversizedRow: 'throw'`; with 'alone' it is sent in a batch
 * of its own, for a receiver whose own limit sits above maxBytes.
 */
export function* csvBatches(rows: readonly (readonly Cell[])[], maxBytes: number, oversizedRow: 'throw' | 'alone'): Generator<CsvBatch> {
  let lines: string[] = [];
  let size = 0;
  let first = 0;
  for (const [index, row] of rows.entries()) {
    const line = csvLine(row);
    const bytes = Buffer.byteLength(line);
    if (bytes > maxBytes && oversizedRow === 'throw') throw new RowTooLargeError(index, bytes, maxBytes);
    if (lines.length > 0 && size + bytes > maxBytes) {
      yield { first, count: lines.length, body: lines.join('') };
      lines = [];
      size = 0;
      first = index;
    }
    lines.push(line);
    size += bytes;
  }
  if (lines.length > 0) yield { first, count: lines.length, body: lines.join('') };
}
