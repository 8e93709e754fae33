// The chaos table: for each run its faults (fault, where, outcome), then its invariant checks, then
// one line per run; the last line says how many runs held every invariant.
import type { ChaosRunReport } from './chaos-run.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

export function runLines(report: ChaosRunReport, index: number, total: number): string[] {
  const lines = [`run ${index + 1}/${total} (${report.mode}, seed ${report.seed}, ${report.seconds} s)`];
  lines.push(...table(['fault', 'where', 'outcome'], report.faults.map((fault) => [fault.fault, fault.where, fault.outcome])).map((line) => `  ${line}`));
  lines.push(...table(['invariant', 'held', 'counted'], report.checks.map((entry) => [entry.name, entry.held ? 'yes' : 'NO', entry.detail])).map((line) => `  ${line}`));
  if (report.error !== undefined) lines.push(`  run failed: ${report.error}`);
  if (report.keptAt !== undefined) lines.push(`  workspace kept at ${report.keptAt}`);
  const kills = report.faults.filter((fault) => fault.fault === 'kill worker').length;
  lines.push(`  ${report.held ? 'held every invariant' : 'BROKE an invariant'}: ${kills} worker kills, ${report.faults.length - kills} other faults, ${report.checks.filter((entry) => entry.held).length}/${report.checks.length} checks`);
  return lines;
}

export function finalLine(reports: ChaosRunReport[]): string {
  return `chaos: ${reports.filter((report) => report.held).length}/${reports.length} runs held every invariant`;
}
