#!/usr/bin/env node
// Packages the Kinesis stream function (src/stream/lambda.ts) for Lambda's Node.js 20 runtime: one
// ES module with every dependency inside (the AWS SDK too, so the function runs the versions it was
// tested with), and the model's contract beside it as contract.json.
//
//   node bin/bundle-stream-lambda.mjs --contract contract.json [--out dist/stream-lambda]
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/stream-lambda' }, contract: { type: 'string' } } });
if (values.contract === undefined) {
  console.error('bundle-stream-lambda: --contract FILE is required (the contract the function judges records by)');
  process.exit(2);
}
const out = resolve(values.out);
await mkdir(out, { recursive: true });
await build({
  entryPoints: [new URL('../src/stream/lambda.ts', import.meta.url).pathname],
  outfile: join(out, 'index.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  // Some bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as vigilCreateRequire } from 'node:module'; const require = vigilCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
await copyFile(resolve(values.contract), join(out, 'contract.json'));
const { size } = await stat(join(out, 'index.mjs'));
console.log(`wrote ${join(out, 'index.mjs')} (${(size / 1024).toFixed(0)} KiB) and contract.json; handler: index.handler`);
