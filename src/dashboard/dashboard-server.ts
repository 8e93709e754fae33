// `vigil dashboard`: a read-only page over the result tables, with the JSON API it reads (also
// what other tools would call). Everything it serves is on this machine: the page, its script and
// Apache ECharts from node_modules; nothing comes from a CDN.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { type DashboardData, UnknownModelError } from './dashboard-data.js';
import { RangeError400, rangeFrom } from './range-params.js';

const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'page');
const echartsPath = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');

const pageFiles: Record<string, { file: string; type: string }> = {
  '/': { file: join(pageDir, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(pageDir, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: join(pageDir, 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/echarts.min.js': { file: echartsPath, type: 'text/javascript; charset=utf-8' },
};

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

async function answer<T>(c: Context, work: () => Promise<T>): Promise<Response> {
  try {
    return c.json(await work());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError400) return c.json({ error: message }, 400);
    if (error instanceof UnknownModelError) return c.json({ error: message }, 404);
    return c.json({ error: message }, 500);
  }
}

export function dashboardApp(data: DashboardData): Hono {
  const app = new Hono();
  for (const [path, { file, type }] of Object.entries(pageFiles)) {
    app.get(path, async (c) => c.body(await readFile(file), 200, { 'content-type': type, 'cache-control': 'no-cache' }));
  }
  app.get('/api/models', (c) => answer(c, async () => ({ models: await data.overview(), temporal: data.temporal })));
  const range = (c: Context) => rangeFrom({ from: c.req.query('from'), to: c.req.query('to') });
  app.get('/api/models/:model/performance', (c) => answer(c, () => data.performance(c.req.param('model'), range(c))));
  app.get('/api/models/:model/drift', (c) => answer(c, () => data.drift(c.req.param('model'), range(c))));
  app.get('/api/models/:model/features/:subject', (c) => answer(c, () => data.feature(c.req.param('model'), c.req.param('subject'), range(c))));
  app.get('/api/models/:model/bias', (c) => answer(c, () => data.bias(c.req.param('model'), range(c))));
  app.get('/api/models/:model/quality', (c) => answer(c, () => data.quality(c.req.param('model'), range(c))));
  app.get('/api/models/:model/events', (c) => answer(c, () => data.events(c.req.param('model'))));
  app.notFound((c) => c.json({ error: `no such page: ${c.req.path}` }, 404));
  return app;
}

export async function startDashboard(data: DashboardData, options: { host: string; port: number }): Promise<RunningDashboard> {
  const app = dashboardApp(data);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`${options.host}:${options.port} is already in use (another dashboard?); choose another port`) : error);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections alive; close() alone would wait for them.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
