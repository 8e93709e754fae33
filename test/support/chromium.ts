// Debian's Chromium, driven by playwright-core. The browser tests need it: where it is missing
// they fail with the command that installs it (.ci/run installs it), never pass silently.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set VIGIL_CHROMIUM)`);
  return chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] });
}
