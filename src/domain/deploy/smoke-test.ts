// The smoke test of a staging endpoint, judged: a few dozen real requests must all answer, with one
// sane number per row, inside the latency bounds. Every failed check is a reason a person can act
// on, so a failed deploy says what was wrong, not just that something was.
import { type FeatureContract } from '../contract/contract.js';

export interface SmokeResponse {
  /** Rows sent in this request. */
  rows: number;
  /** What the endpoint answered; undefined when it answered nothing usable. */
  predictions: unknown[] | undefined;
  latencyMs: number;
  error?: string;
}

export interface LatencyBounds {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface SmokeInput {
  contract: Pick<FeatureContract, 'prediction_range'>;
  /** Rows the smoke test sent, over all requests. */
  rowsSent: number;
  responses: readonly SmokeResponse[];
  bounds: LatencyBounds;
}

export interface SmokeStats {
  requests: number;
  rows: number;
  errors: number;
  /** Nearest-rank percentiles over every request's latency; null when nothing was sent. */
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Predictions that are not numbers, or NaN/±Infinity. */
  invalidPredictions: number;
  /** Finite predictions outside contract.prediction_range. */
  outOfRange: number;
}

export interface SmokeVerdict {
  passed: boolean;
  reasons: string[];
  stats: SmokeStats;
}

/** Nearest-rank percentile (the smallest value with at least p% of values at or below it). */
export function nearestRank(values: readonly number[], percent: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  // JSON.stringify gives undefined for functions and symbols: name the type instead.
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const ms = (value: number): string => `${Math.round(value * 10) / 10} ms`;

function checkBounds(bounds: LatencyBounds): void {
  for (const [name, bound] of Object.entries(bounds)) {
    // Infinity is allowed (no bound); NaN or a negative bound would pass or fail everything.
    if (!(bound >= 0)) throw new RangeError(`latency bound ${name} must be a number >= 0, got ${bound}`);
  }
}

interface PredictionTally {
  wrongCount: { count: number; example?: string };
  notNumbers: { count: number; example?: unknown };
  nonFinite: { count: number; example?: number };
  outOfRange: { count: number; worst?: number; distance: number };
}

function tallyPredictions(input: SmokeInput): PredictionTally {
  const range = input.contract.prediction_range;
  const tally: PredictionTally = { wrongCount: { count: 0 }, notNumbers: { count: 0 }, nonFinite: { count: 0 }, outOfRange: { count: 0, distance: 0 } };
  input.responses.forEach((response, index) => {
    if (response.error !== undefined) return;
    const predictions = response.predictions;
    if (predictions?.length !== response.rows) {
      tally.wrongCount.count += 1;
      tally.wrongCount.example ??= `request ${index + 1}: expected ${response.rows}, got ${predictions === undefined ? 'none' : predictions.length}`;
    }
    for (const value of predictions ?? []) {
      if (typeof value !== 'number') {
        tally.notNumbers.count += 1;
        if (tally.notNumbers.count === 1) tally.notNumbers.example = value;
      } else if (!Number.isFinite(value)) {
        tally.nonFinite.count += 1;
        tally.nonFinite.example ??= value;
      } else if (range !== undefined && (value < range.min || value > range.max)) {
        tally.outOfRange.count += 1;
        // The value furthest outside the range is the most telling example.
        const distance = value < range.min ? range.min - value : value - range.max;
        if (tally.outOfRange.worst === undefined || distance > tally.outOfRange.distance) {
          tally.outOfRange.worst = value;
          tally.outOfRange.distance = distance;
        }
      }
    }
  });
  return tally;
}

function predictionReasons(input: SmokeInput, tally: PredictionTally, totalPredictions: number): string[] {
  const reasons: string[] = [];
  const { wrongCount, notNumbers, nonFinite, outOfRange } = tally;
  if (wrongCount.count > 0) {
    reasons.push(`${wrongCount.count} response(s) had the wrong number of predictions (${wrongCount.example ?? ''})`);
  }
  if (notNumbers.count > 0) reasons.push(`${notNumbers.count} prediction(s) are not numbers (e.g. ${show(notNumbers.example)})`);
  if (nonFinite.count > 0) reasons.push(`${nonFinite.count} prediction(s) are NaN or infinite (e.g. ${show(nonFinite.example)})`);
  const range = input.contract.prediction_range;
  if (outOfRange.count > 0 && range !== undefined) {
    reasons.push(
      `${outOfRange.count} of ${totalPredictions} prediction(s) are outside the contract's prediction range ` +
        `[${range.min}, ${range.max}] (e.g. ${show(outOfRange.worst)})`,
    );
  }
  return reasons;
}

function latencyReasons(stats: SmokeStats, bounds: LatencyBounds): string[] {
  const checks: [string, number | null, number][] = [
    ['p50', stats.p50Ms, bounds.p50Ms],
    ['p95', stats.p95Ms, bounds.p95Ms],
    ['max', stats.maxMs, bounds.maxMs],
  ];
  return checks
    .filter(([, measured, bound]) => measured !== null && measured > bound)
    .map(([name, measured, bound]) => `latency ${name} ${ms(measured ?? 0)} is above the bound of ${ms(bound)}`);
}

export function smokeTestVerdict(input: SmokeInput): SmokeVerdict {
  checkBounds(input.bounds);
  const { responses } = input;
  const latencies = responses.map((response) => response.latencyMs).filter((latency) => Number.isFinite(latency));
  const failed = responses.filter((response) => response.error !== undefined);
  const tally = tallyPredictions(input);
  const stats: SmokeStats = {
    requests: responses.length,
    rows: input.rowsSent,
    errors: failed.length,
    p50Ms: nearestRank(latencies, 50),
    p95Ms: nearestRank(latencies, 95),
    maxMs: latencies.length === 0 ? null : Math.max(...latencies),
    invalidPredictions: tally.notNumbers.count + tally.nonFinite.count,
    outOfRange: tally.outOfRange.count,
  };

  const reasons: string[] = [];
  if (responses.length === 0 || input.rowsSent <= 0) reasons.push('no smoke requests were sent: nothing shows the endpoint works');
  const answeredRows = responses.reduce((sum, response) => sum + response.rows, 0);
  if (responses.length > 0 && answeredRows !== input.rowsSent) {
    reasons.push(`the requests carried ${answeredRows} row(s) but ${input.rowsSent} were sent`);
  }
  if (failed.length > 0) {
    reasons.push(`${failed.length} of ${responses.length} request(s) failed (first: ${failed[0]?.error ?? ''})`);
  }
  const totalPredictions = responses.reduce((sum, response) => sum + (response.error === undefined ? (response.predictions?.length ?? 0) : 0), 0);
  reasons.push(...predictionReasons(input, tally, totalPredictions), ...latencyReasons(stats, input.bounds));
  return { passed: reasons.length === 0, reasons, stats };
}

/**
 * Picks `count` rows spread evenly over `rows` (recent production rows, in a stable order) and
 * groups them into requests of at most `rowsPerRequest`. Deterministic: a retried smoke test
 * sends the same requests. Fewer rows than `count` are all taken.
 */
export function smokeRequestRows<T>(rows: readonly T[], count: number, rowsPerRequest: number): T[][] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`smoke row count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(rowsPerRequest) || rowsPerRequest < 1) {
    throw new RangeError(`rows per smoke request must be a positive integer, got ${rowsPerRequest}`);
  }
  const take = Math.min(count, rows.length);
  const picked: T[] = [];
  // floor(i * n / take) is strictly increasing when take <= n: distinct rows, first one included.
  for (let i = 0; i < take; i++) picked.push(rows[Math.floor((i * rows.length) / take)] as T);
  const requests: T[][] = [];
  for (let start = 0; start < picked.length; start += rowsPerRequest) requests.push(picked.slice(start, start + rowsPerRequest));
  return requests;
}
