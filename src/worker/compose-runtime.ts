// The one composition root: builds the adapters for the configured mode and hands the activities
// ports. Nothing else knows which mode runs.
import { join } from 'node:path';
import type { ActivityDeps } from '../activities/index.js';
import { readSecret, resolvePath, type LoadedConfig } from '../config/load.js';
import { ConsoleNotifier } from '../adapters/local/console-notifier.js';
import { DuckDbWarehouse } from '../adapters/local/duckdb-warehouse.js';
import { FileIncidentStore } from '../adapters/local/file-incident-store.js';
import { LocalModelHost } from '../adapters/local/local-model-host.js';
import { LocalSourceCatalog, type ModelSources } from '../adapters/local/local-source-catalog.js';
import { WarehouseMetricsSink } from '../adapters/local/warehouse-metrics-sink.js';
import { ConsoleApprovalChannel } from '../adapters/local/console-approval-channel.js';
import { FileModelRegistry } from '../adapters/local/file-model-registry.js';
import { LocalTrainingPipeline } from '../adapters/local/local-training-pipeline.js';
import { WarehouseAuditLog } from '../adapters/local/warehouse-audit-log.js';
import { SlackApprovalChannel } from '../adapters/slack/slack-approval-channel.js';
import type { SlackConnection } from '../adapters/slack/slack-client.js';
import { SlackNotifier } from '../adapters/slack/slack-notifier.js';
import { NonRetryableError } from '../domain/errors.js';
import type { ApprovalChannel } from '../ports/approval-channel.js';
import type { Notifier } from '../ports/notifier.js';

export interface Runtime {
  deps: ActivityDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Base URL of the local model server (local mode); default http://127.0.0.1:{local.modelServerPort}. */
  modelServerUrl?: string;
  /** Where console alerts go (default stderr). */
  writeAlert?: (text: string) => void;
  /** Where console approval requests go (default stderr). */
  writeApproval?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function dataDirOf(loaded: LoadedConfig): string {
  return resolvePath(loaded.path, loaded.config.dataDir);
}

/** The Slack connection the config names, its token read from the environment when given as env:NAME. */
function slackConnection(loaded: LoadedConfig, options: RuntimeOptions): SlackConnection | undefined {
  const slack = loaded.config.slack;
  if (slack === undefined) return undefined;
  return { token: readSecret(slack.botToken, options.env), channel: slack.channel, ...(slack.apiUrl === undefined ? {} : { apiUrl: slack.apiUrl }) };
}

function notifiersFor(loaded: LoadedConfig, options: RuntimeOptions): Notifier[] {
  const slack = slackConnection(loaded, options);
  return [new ConsoleNotifier(options.writeAlert), ...(slack === undefined ? [] : [new SlackNotifier(slack)])];
}

function approvalChannelsFor(loaded: LoadedConfig, options: RuntimeOptions): ApprovalChannel[] {
  const slack = slackConnection(loaded, options);
  return [new ConsoleApprovalChannel(options.writeApproval), ...(slack === undefined ? [] : [new SlackApprovalChannel(slack)])];
}

export async function composeRuntime(loaded: LoadedConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  if (loaded.config.mode === 'aws') {
    throw new Error('mode "aws" needs the AWS adapters, which this build does not include yet; use mode "local"');
  }
  const dataDir = dataDirOf(loaded);
  const warehouse = await DuckDbWarehouse.open({
    path: join(dataDir, 'warehouse.duckdb'),
    // Every monitoring query orders what it needs; without insertion order DuckDB streams and
    // spills instead of buffering, so memory stays flat as windows grow (see bench/README.md).
    settings: {
      memory_limit: loaded.config.local.warehouseMemoryLimit,
      temp_directory: join(dataDir, 'duckdb-spill'),
      preserve_insertion_order: 'false',
    },
  });
  try {
    await warehouse.ensureResultTables();
    const sources: Record<string, ModelSources> = Object.fromEntries(loaded.config.models.map((model) => [model.id, model.sources]));
    const sourceCatalog = new LocalSourceCatalog(warehouse, sources, (path) => resolvePath(loaded.path, path));
    const training = new LocalTrainingPipeline({
      warehouse,
      dataDir,
      contractFor: (model) => {
        const contract = loaded.contracts[model];
        if (contract === undefined) throw new NonRetryableError(`unknown model "${model}"`, 'UNKNOWN_MODEL');
        return contract;
      },
      tablesFor: (contract) => sourceCatalog.tablesFor(contract),
    });
    const deps: ActivityDeps = {
      loaded,
      warehouse,
      sources: sourceCatalog,
      modelHost: new LocalModelHost({
        serverUrl: options.modelServerUrl ?? `http://127.0.0.1:${loaded.config.local.modelServerPort}`,
        dataDir,
      }),
      notifiers: notifiersFor(loaded, options),
      metricsSink: new WarehouseMetricsSink(warehouse),
      incidents: new FileIncidentStore(join(dataDir, 'incidents.json')),
      training,
      registry: new FileModelRegistry(dataDir),
      audit: new WarehouseAuditLog(warehouse),
      approvals: approvalChannelsFor(loaded, options),
    };
    return {
      deps,
      close: async () => {
        // A training job still running in this process finishes before its warehouse closes.
        await training.idle();
        await warehouse.close();
      },
    };
  } catch (error) {
    await warehouse.close();
    throw error;
  }
}
