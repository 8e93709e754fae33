#!/usr/bin/env node
// README's test command (`npm test`): installs what the tests need (npm dependencies, the Temporal
// CLI), then runs lint, the dependency rules and the type check side by side (they are independent
// and each leaves a core idle for long stretches), then the mocha suites. Stops at the first failure.
// Extra arguments go to mocha (e.g. `npm test -- test/domain`).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeDependencies } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureNodeDependencies(root);

const checks = [
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['dependency rules', 'npx', ['depcruise', 'src', 'test', 'bench', 'bin', '--config', '.dependency-cruiser.mjs', '--output-type', 'err']],
  ['typecheck', 'npx', ['tsc', '--noEmit']],
];
const tests = ['tests', 'npx', ['mocha', ...(process.argv.length > 2 ? process.argv.slice(2) : ['test/**/*.test.ts'])]];

function seconds(started) {
  return ((Date.now() - started) / 1000).toFixed(1);
}

function fail(name, started, status) {
  process.stderr.write(`== ${name} failed after ${seconds(started)}s (exit ${status})\n`);
  process.exit(typeof status === 'number' && status !== 0 ? status : 1);
}

/** Runs a check with its output held back, so parallel checks print one after another. */
function runBuffered([, command, args]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ took: seconds(started), status: 1, output: [Buffer.from(`${error.message}\n`)] }));
    child.on('close', (code, signal) => resolve({ took: seconds(started), status: code ?? signal, output }));
  });
}

function runInherited([name, command, args]) {
  const started = Date.now();
  process.stderr.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(name, started, result.status ?? result.signal);
  process.stderr.write(`== ${name} passed in ${seconds(started)}s\n`);
}

runInherited(['Temporal CLI', 'node', ['bin/vigil.mjs', 'temporal-cli']]);
const results = await Promise.all(checks.map(runBuffered));
let failed;
for (const [index, result] of results.entries()) {
  const [name, command, args] = checks[index];
  process.stderr.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  process.stderr.write(Buffer.concat(result.output));
  if (result.status === 0) process.stderr.write(`== ${name} passed in ${result.took}s\n`);
  else {
    process.stderr.write(`== ${name} failed after ${result.took}s (exit ${result.status})\n`);
    failed ??= result;
  }
}
if (failed !== undefined) process.exit(typeof failed.status === 'number' ? failed.status : 1);
runInherited(tests);
