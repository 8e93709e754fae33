// The request and answer formats of a SageMaker real-time endpoint: rows go out as CSV (RFC 4180)
// in bodies kept under the invocation size limit (../csv-payload.ts); answers come back as one
// number per line, or as JSON (an array, or {"predictions": [...]}), whichever the inference
// container speaks.

/**
 * InvokeEndpoint refuses bodies over 6 MB; 5 MiB leaves room for rows that would straddle the
 * limit and for the request's own overhead.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

export type ParsedPredictions = { ok: true; predictions: number[] } | { ok: false; reason: string };

function numberFrom(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'NaN') return Number.NaN;
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

function fromJson(value: unknown): number[] | string {
  const list =
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'predictions' in value
      ? value.predictions
      : value;
  if (!Array.isArray(list)) return 'a JSON answer must be an array or {"predictions": [...]}';
  const predictions: number[] = [];
  for (const [index, item] of list.entries()) {
    // Some containers wrap each prediction in a one-element array ([[0.1], [0.2]]).
    const single: unknown = Array.isArray(item) && item.length === 1 ? item[0] : item;
    if (typeof single !== 'number') return `prediction ${index + 1} is ${JSON.stringify(item)}, not a number`;
    predictions.push(single);
  }
  return predictions;
}

function fromCsv(text: string, expected: number): number[] | string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  // Some built-in containers answer a CSV request with all predictions on one comma-separated line.
  const cells = lines.length === 1 && expected > 1 && lines[0]?.includes(',') ? lines[0].split(',') : lines;
  const predictions: number[] = [];
  for (const [index, cell] of cells.entries()) {
    const value = numberFrom(cell);
    if (value === undefined) return `line ${index + 1} is ${JSON.stringify(cell.slice(0, 80))}, not one number`;
    predictions.push(value);
  }
  return predictions;
}

/** Reads an endpoint's answer; the count is checked so a prediction is never matched to the wrong row. */
export function parsePredictions(body: string, contentType: string | undefined, expected: number): ParsedPredictions {
  const trimmed = body.trim();
  const looksJson = /json/i.test(contentType ?? '') || trimmed.startsWith('[') || trimmed.startsWith('{');
  let parsed: number[] | string;
  if (looksJson) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { ok: false, reason: `answer is not valid JSON: ${JSON.stringify(trimmed.slice(0, 200))}` };
    }
    parsed = fromJson(value);
  } else {
    parsed = fromCsv(trimmed, expected);
  }
  if (typeof parsed === 'string') return { ok: false, reason: parsed };
  if (parsed.length !== expected) {
    return { ok: false, reason: `expected ${expected} predictions, got ${parsed.length}: ${JSON.stringify(trimmed.slice(0, 200))}` };
  }
  return { ok: true, predictions: parsed };
}
