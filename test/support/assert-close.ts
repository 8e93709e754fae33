// Numeric comparison for reference values: passes when |actual - expected| is within the absolute
// tolerance or within the relative tolerance of |expected|.
import assert from 'node:assert/strict';

export interface Tolerance {
  relative?: number;
  absolute?: number;
}

export function assertClose(actual: number | null, expected: number | null, tolerance: Tolerance, label: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, `${label}: expected ${String(expected)}, got ${String(actual)}`);
    return;
  }
  assert.ok(Number.isFinite(actual) || actual === expected, `${label}: got ${actual}`);
  if (actual === expected) return;
  const error = Math.abs(actual - expected);
  const allowed = Math.max(tolerance.absolute ?? 0, (tolerance.relative ?? 0) * Math.abs(expected));
  assert.ok(error <= allowed, `${label}: got ${actual}, expected ${expected} (error ${error.toExponential(2)} > ${allowed.toExponential(2)})`);
}
