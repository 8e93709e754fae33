// Starts local mode's stream ingest over HTTP for a loaded config: what `vigil stream serve` runs
// and what the demo sends its traffic through.
import type { LoadedConfig } from '../config/load.js';
import { closeServer, listen } from '../adapters/shared/http-listen.js';
import { createIngestServer } from './http-ingest.js';
import { localIngest } from './local-ingest.js';

export interface RunningIngest {
  /** http://host:port */
  origin: string;
  /** Where each model's records go. */
  folders: Map<string, { production: string; quarantine: string }>;
  /** The URL a model's records are POSTed to. */
  recordsUrl(model: string): string;
  close(): Promise<void>;
}

export async function startLocalIngest(loaded: LoadedConfig, options: { model?: string; port?: number; host?: string } = {}): Promise<RunningIngest> {
  const ingest = localIngest(loaded, options.model);
  const server = createIngestServer({ models: ingest.models });
  let listening;
  try {
    listening = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await ingest.close();
    throw error;
  }
  return {
    origin: listening.origin,
    folders: ingest.folders,
    recordsUrl: (model) => `${listening.origin}/v1/models/${model}/records`,
    close: async () => {
      await closeServer(server);
      await ingest.close();
    },
  };
}
