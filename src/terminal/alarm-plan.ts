// An alarm plan as the terminal shows it: one row per alarm that changes (or every alarm with
// --all), then one line of counts per model and one for its dashboard; models no longer in the
// config say so.
import type { ModelAlarmPlan } from '../client/alarms.js';
import { renderTable } from './table.js';

export function alarmPlanText(plans: readonly ModelAlarmPlan[], options: { all?: boolean } = {}): string {
  const blocks: string[] = [];
  for (const plan of plans) {
    const shown = plan.entries.filter((entry) => options.all === true || entry.action !== 'keep');
    const counts = (['create', 'update', 'keep', 'delete'] as const).map((action) => `${plan.entries.filter((entry) => entry.action === action).length} ${action}`);
    const lines: string[] = [];
    if (shown.length > 0) {
      lines.push(renderTable(['action', 'alarm', 'what', 'changes'], shown.map((entry) => [entry.action, entry.name, entry.description, entry.changes.join('; ')])));
    }
    const verb = plan.applied ? 'applied' : 'planned';
    const source = plan.removed === true ? 'no longer in the config' : `${plan.entries.filter((entry) => entry.action !== 'delete').length} alarms from the config`;
    lines.push(`${plan.model}: ${source}; ${verb}: ${counts.join(', ')}`);
    if (plan.dashboard !== undefined) lines.push(`${plan.model}: dashboard ${plan.dashboard.name} ${verb}: ${plan.dashboard.action} (${plan.dashboard.reason})`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}
