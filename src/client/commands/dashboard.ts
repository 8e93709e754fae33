// `vigil dashboard`: serves the dashboard over the local results until interrupted.
import { localDashboardData } from '../../dashboard/dashboard-data.js';
import { startDashboard } from '../../dashboard/dashboard-server.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface DashboardOptions {
  config: string;
  port: string;
  host: string;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port: ${JSON.stringify(text)} is not a port (0 to 65535; 0 picks a free one)`);
  return port;
}

export async function dashboardCommand(options: DashboardOptions): Promise<void> {
  const loaded = await loadCliConfig(options.config);
  const port = parsePort(options.port);
  const dashboard = await startDashboard(localDashboardData(loaded, process.env['TEMPORAL_NAMESPACE'] ?? 'default'), { host: options.host, port });
  console.log(`vigil: dashboard on ${dashboard.url} (read-only over the results of ${loaded.path}; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void dashboard.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
