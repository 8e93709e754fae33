// Renders alerts for people: one line per breach saying what crossed which threshold and by how much.
import type { Alert, AlertBreach } from './alert.js';

export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return value.toExponential(3);
  return Number(value.toPrecision(4)).toString();
}

export function describeBreach(breach: AlertBreach): string {
  const excess = breach.excess === null ? '' : ` (by ${formatNumber(Math.abs(breach.excess))})`;
  return `${breach.subject} · ${breach.metric} = ${formatNumber(breach.value)}, threshold ${formatNumber(breach.threshold)}${excess}`;
}

export function alertLines(alert: Alert): string[] {
  const window = alert.window === undefined ? '' : ` [${alert.window.start} .. ${alert.window.end})`;
  const lines = [`${alert.severity.toUpperCase()} ${alert.model}: ${alert.title}${window}`];
  for (const breach of alert.breaches) lines.push(`  - ${describeBreach(breach)}`);
  if (alert.text !== undefined) lines.push(`  ${alert.text}`);
  if (alert.runUrl !== undefined) lines.push(`  run: ${alert.runUrl}`);
  return lines;
}
