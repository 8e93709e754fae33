// `vigil dev`: the Temporal dev server in the foreground until Ctrl-C.
import { ensureDevServer } from './dev-server.js';

export async function runDevServer(options: { dataDir: string; port: number; uiPort: number }): Promise<void> {
  const server = await ensureDevServer({ ...options, onProgress: (line) => console.error(line) });
  if (!server.started) return;
  console.error(`Temporal dev server on ${server.address}; Web UI ${server.uiUrl}. Ctrl-C stops it.`);
  const stop = (): void => {
    void server.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await server.exited;
  if (code !== 0 && code !== null) process.exitCode = code;
}
