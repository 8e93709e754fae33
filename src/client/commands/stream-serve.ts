// `vigil stream serve -c CONFIG [-m MODEL] [--port P]`: local mode's stream ingest. Producers POST
// NDJSON records to /v1/models/{model}/records; valid rows join the production log the monitoring
// reads, refused ones the stream quarantine, both where the config's sources point.
import { loadConfig } from '../../config/load.js';
import { closeOnSignals } from '../../adapters/shared/http-listen.js';
import { startLocalIngest, type RunningIngest } from '../../stream/start-local-ingest.js';

export interface StreamServeOptions {
  config: string;
  model?: string;
  port: string;
  host: string;
}

export async function streamServeCommand(options: StreamServeOptions): Promise<RunningIngest> {
  const port = Number(options.port);
  if (!/^\d+$/.test(options.port.trim()) || port > 65_535) throw new Error(`--port must be a port number (0-65535), got "${options.port}"`);
  const loaded = await loadConfig(options.config);
  const ingest = await startLocalIngest(loaded, { ...(options.model === undefined ? {} : { model: options.model }), port, host: options.host });
  for (const [model, folders] of ingest.folders) {
    console.log(`vigil stream serve: POST ${ingest.recordsUrl(model)} (NDJSON) -> ${folders.production}, refused -> ${folders.quarantine}`);
  }
  closeOnSignals('vigil stream serve', ingest);
  return ingest;
}
