// `vigil alarms plan|apply [-m M]`: the CloudWatch alarms the config's thresholds imply, against
// those that exist, and each model's dashboard; `apply` creates, updates and deletes until they match.
import { alarmPlanText } from '../../terminal/alarm-plan.js';
import { syncAlarms, type ModelAlarmPlan } from '../alarms.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface AlarmsCommandOptions {
  config: string;
  model?: string;
  json?: boolean;
  all?: boolean;
}

function withoutBody<T extends { body?: string }>({ body: _body, ...rest }: T): Omit<T, 'body'> {
  return rest;
}

export async function alarmsCommand(apply: boolean, options: AlarmsCommandOptions): Promise<ModelAlarmPlan[]> {
  const loaded = await loadCliConfig(options.config);
  const plans = await syncAlarms(loaded, { apply, ...(options.model === undefined ? {} : { model: options.model }) });
  if (options.json === true) {
    const shown = plans.map(({ model, entries, dashboard, applied, removed }) => ({
      model,
      applied,
      ...(removed === true ? { removed } : {}),
      alarms: entries.map(({ desired: _desired, ...entry }) => entry),
      ...(dashboard === undefined ? {} : { dashboard: withoutBody(dashboard) }),
    }));
    console.log(JSON.stringify(shown));
  } else {
    console.log(alarmPlanText(plans, { all: options.all === true || loaded.config.mode !== 'aws' }));
    if (loaded.config.mode !== 'aws') console.log('(local mode: no CloudWatch here; these are the alarms aws mode would keep, and breaches alert through the configured channels)');
  }
  return plans;
}
