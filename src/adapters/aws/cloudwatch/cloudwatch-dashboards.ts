// Vigil's per-model CloudWatch dashboards (`vigil-<model>`): the body the config implies is put
// whole; a body CloudWatch finds fault with fails the apply with CloudWatch's own messages rather
// than leaving a dashboard that does not render.
import {
  type CloudWatchClient,
  DashboardInvalidInputError,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  paginateListDashboards,
  PutDashboardCommand,
  type DashboardValidationMessage,
} from '@aws-sdk/client-cloudwatch';
import { NonRetryableError } from '../../../domain/errors.js';
import type { DashboardStore } from '../../../ports/dashboard-store.js';
import { classifyAwsError } from '../errors.js';
import { fittedName } from './fitted-name.js';

/** Dashboard names are 1..255 characters of A-Z, a-z, 0-9, - and _. */
const MAX_DASHBOARD_NAME = 255;

export interface CloudWatchDashboardsOptions {
  client: CloudWatchClient;
}

/** `vigil-<model>`; where the model id needs altering to fit, a short hash of it keeps distinct ids apart. */
export function dashboardName(model: string): string {
  const raw = `vigil-${model}`;
  return fittedName(raw, raw.replace(/[^A-Za-z0-9_-]/g, '_'), MAX_DASHBOARD_NAME);
}

/** GetDashboard and DeleteDashboards answer ResourceNotFound for a dashboard that does not exist. */
function isMissing(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'DashboardNotFoundError' || name === 'ResourceNotFound';
}

function refused(name: string, messages: readonly DashboardValidationMessage[], cause?: unknown): NonRetryableError {
  const listed = messages.map((message) => `${message.DataPath ?? '(body)'}: ${message.Message ?? '(no message)'}`);
  const detail = listed.length > 0 ? listed.join('; ') : cause instanceof Error ? cause.message : 'no reason given';
  return new NonRetryableError(`PutDashboard ${name}: CloudWatch refused the dashboard body: ${detail}`, 'INVALID_INPUT', { cause });
}

export class CloudWatchDashboards implements DashboardStore {
  constructor(private readonly options: CloudWatchDashboardsOptions) {}

  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const page of paginateListDashboards({ client: this.options.client }, { DashboardNamePrefix: prefix })) {
        for (const entry of page.DashboardEntries ?? []) if (entry.DashboardName !== undefined) names.push(entry.DashboardName);
      }
    } catch (error) {
      throw classifyAwsError(error, `ListDashboards ${prefix}*`);
    }
    return names;
  }

  async get(name: string): Promise<string | undefined> {
    try {
      const answer = await this.options.client.send(new GetDashboardCommand({ DashboardName: name }));
      return answer.DashboardBody ?? '';
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw classifyAwsError(error, `GetDashboard ${name}`);
    }
  }

  async put(name: string, body: string): Promise<void> {
    let messages: DashboardValidationMessage[];
    try {
      const answer = await this.options.client.send(new PutDashboardCommand({ DashboardName: name, DashboardBody: body }));
      messages = answer.DashboardValidationMessages ?? [];
    } catch (error) {
      if (error instanceof DashboardInvalidInputError) throw refused(name, error.dashboardValidationMessages ?? [], error);
      throw classifyAwsError(error, `PutDashboard ${name}`);
    }
    // Warnings come back with a saved dashboard that may not render in part: fail so they are seen.
    if (messages.length > 0) throw refused(name, messages);
  }

  async remove(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    try {
      await this.options.client.send(new DeleteDashboardsCommand({ DashboardNames: [...names] }));
    } catch (error) {
      if (!isMissing(error)) throw classifyAwsError(error, `DeleteDashboards ${names.join(', ')}`);
      // One missing name fails the whole call and deletes nothing: delete the others one by one.
      if (names.length > 1) for (const name of names) await this.remove([name]);
    }
  }
}
