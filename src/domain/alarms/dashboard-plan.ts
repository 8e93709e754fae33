// What `vigil alarms apply` does to a model's dashboard: create it, replace its body where the
// config (or an alarm's ARN) moved it, keep it, or delete it once its model left the config. Bodies are compared as JSON, not as text, so a
// store that re-spaces or re-orders keys does not cause an update every run.
import { canonicalJson } from '../contract/canonical-json.js';

export type DashboardAction = 'create' | 'update' | 'keep' | 'delete';

export interface DashboardPlanEntry {
  action: DashboardAction;
  name: string;
  /** Why, in a few words: new, what changed, or unchanged. */
  reason: string;
  /** Widgets of the body the config implies (absent where none is built: local mode). */
  widgets?: number;
  /** The body to put, for create and update. */
  body?: string;
}

/** The widgets of a dashboard body; undefined when it is not one (not JSON, or no widget list). */
function parsedWidgets(body: string): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('widgets' in parsed) || !Array.isArray(parsed.widgets)) return undefined;
  return parsed.widgets as unknown[];
}

/**
 * The model whose series a Vigil dashboard body draws from `namespace` (the Model dimension of its
 * metric lines); undefined for a body that is not one (another tool's dashboard, another
 * namespace's, or lines of several models): such a dashboard is never Vigil's to delete.
 */
export function modelShownBy(body: string, namespace: string): string | undefined {
  const widgets = parsedWidgets(body);
  if (widgets === undefined) return undefined;
  const models = new Set<string>();
  let foreign = false;
  for (const widget of widgets) {
    const metrics = (widget as { properties?: { metrics?: unknown } } | null)?.properties?.metrics;
    if (!Array.isArray(metrics)) continue;
    for (const line of metrics as unknown[]) {
      if (!Array.isArray(line)) continue;
      const [lineNamespace, , dimension, model] = line as unknown[];
      if (lineNamespace === namespace && dimension === 'Model' && typeof model === 'string') models.add(model);
      else foreign = true;
    }
  }
  const [only] = models;
  return models.size === 1 && !foreign ? only : undefined;
}

/** The widget titles a body holds, in order (a widget without a title by its type); undefined when it is not a dashboard body. */
function widgetTitles(body: string): string[] | undefined {
  return parsedWidgets(body)?.map((widget) => {
    if (typeof widget !== 'object' || widget === null) return '?';
    const properties = 'properties' in widget && typeof widget.properties === 'object' && widget.properties !== null ? widget.properties : {};
    if ('title' in properties && typeof properties.title === 'string') return properties.title;
    return 'type' in widget && typeof widget.type === 'string' ? widget.type : '?';
  });
}

function widgetsOf(body: string): unknown[] {
  const parsed = JSON.parse(body) as { widgets?: unknown[] };
  return parsed.widgets ?? [];
}

export function planDashboard(name: string, body: string, current: string | undefined): DashboardPlanEntry {
  const desired = widgetsOf(body);
  const widgets = desired.length;
  if (current === undefined) return { action: 'create', name, reason: `new, ${widgets} widgets`, widgets, body };
  const titles = widgetTitles(current);
  if (titles === undefined) return { action: 'update', name, reason: 'its body is not a dashboard Vigil can read', widgets, body };
  if (canonicalJson(JSON.parse(current)) === canonicalJson(JSON.parse(body))) return { action: 'keep', name, reason: `unchanged, ${widgets} widgets`, widgets };
  return { action: 'update', name, reason: changesOf(widgetsOf(current), titles, desired, widgetTitles(body) ?? []), widgets, body };
}

/** `widgets 14 -> 15; changed: Alarms, Performance: rmse and 2 more`. */
function changesOf(before: readonly unknown[], beforeTitles: readonly string[], after: readonly unknown[], afterTitles: readonly string[]): string {
  const parts: string[] = [];
  if (before.length !== after.length) parts.push(`widgets ${before.length} -> ${after.length}`);
  const changed = after
    .map((widget, index) => ({ title: afterTitles[index] ?? '?', same: index < before.length && canonicalJson(before[index]) === canonicalJson(widget) }))
    .filter((entry) => !entry.same)
    .map((entry) => entry.title);
  const removed = beforeTitles.slice(after.length);
  const named = [...new Set([...changed, ...removed])];
  if (named.length > 0) parts.push(`changed: ${named.slice(0, 3).join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''}`);
  return parts.length > 0 ? parts.join('; ') : 'dashboard settings changed';
}

/**
 * The ARN of each named alarm: as CloudWatch listed it, or, for one not created yet, formed like
 * a listed one (`arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`). Names with
 * neither are left out: with no alarm listed yet, the account is not known.
 */
export function alarmArns(names: readonly string[], listed: readonly { name: string; arn?: string }[]): string[] {
  const byName = new Map(listed.flatMap((alarm) => (alarm.arn === undefined ? [] : [[alarm.name, alarm.arn] as const])));
  const sample = listed.find((alarm) => alarm.arn?.endsWith(`:alarm:${alarm.name}`) === true);
  const prefix = sample?.arn?.slice(0, sample.arn.length - sample.name.length);
  return names.flatMap((name) => {
    const arn = byName.get(name) ?? (prefix === undefined ? undefined : `${prefix}${name}`);
    return arn === undefined ? [] : [arn];
  });
}
