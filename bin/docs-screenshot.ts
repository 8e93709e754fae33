// `npm run docs:screenshot`: the README's picture of the dashboard, taken by Chromium over the
// demo's results (.vigil/demo, made by `npm run demo`; run first when absent). Written to
// docs/dashboard.png.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { localDashboardData } from '../src/dashboard/dashboard-data.js';
import { startDashboard } from '../src/dashboard/dashboard-server.js';
import { runDemo } from '../src/demo/run-demo.js';
import { launchChromium } from '../test/support/chromium.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: '.vigil/demo' }, out: { type: 'string', default: 'docs/dashboard.png' } } });
const dir = resolve(values.dir);
if (!existsSync(join(dir, 'results', 'monitoring_metrics.parquet'))) {
  console.log(`no demo results in ${dir}: running the demo first`);
  await runDemo({ dir, yes: true });
}
const dashboard = await startDashboard(localDashboardData(await loadConfig(join(dir, 'vigil.config.yaml')), 'default'), { host: '127.0.0.1', port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${dashboard.url}#model=demand`);
  const loaded = await page.evaluate(() => (globalThis as unknown as { vigilDashboard: { ready: Promise<boolean> } }).vigilDashboard.ready);
  if (!loaded) throw new Error('the dashboard could not load its data');
  await page.screenshot({ path: values.out, fullPage: true });
  console.log(`${values.out}: the dashboard over ${dir}`);
} finally {
  await browser.close();
  await dashboard.close();
}
