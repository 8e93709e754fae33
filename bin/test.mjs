#!/usr/bin/env node
// README's test command (`npm test`): installs what the tests need (npm dependencies, the Temporal
// CLI), then runs lint, the dependency rules, the type check and the mocha suites, stopping at the first failure.
// Extra arguments go to mocha (e.g. `npm test -- test/domain`).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeDependencies } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureNodeDependencies(root);

const steps = [
  ['Temporal CLI', 'node', ['bin/vigil.mjs', 'temporal-cli']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['dependency rules', 'npx', ['depcruise', 'src', 'test', 'bench', 'bin', '--config', '.dependency-cruiser.mjs', '--output-type', 'err']],
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['tests', 'npx', ['mocha', ...(process.argv.length > 2 ? process.argv.slice(2) : ['test/**/*.test.ts'])]],
];

for (const [name, command, args] of steps) {
  const started = Date.now();
  process.stderr.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`== ${name} failed after ${seconds}s (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
  process.stderr.write(`== ${name} passed in ${seconds}s\n`);
}
