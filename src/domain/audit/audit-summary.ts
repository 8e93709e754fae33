// One line of what an audit event says, for a terminal: its detail's short values, the ones a
// reader looks for first (version, decision, rule, reason) leading.

const leading = ['version', 'candidate', 'decision', 'previousVersion', 'endpoint', 'rule', 'reason', 'planId'];
const maxValue = 80;

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.length > maxValue ? `${value.slice(0, maxValue - 1)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  return undefined;
}

export function auditSummary(detail: Record<string, unknown> | undefined): string {
  if (detail === undefined) return '';
  const keys = [...leading.filter((key) => key in detail), ...Object.keys(detail).filter((key) => !leading.includes(key)).sort()];
  return keys
    .map((key) => [key, text(detail[key])] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
