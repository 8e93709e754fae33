#!/usr/bin/env node
// Entry point of the `vigil` command. Installs the npm dependencies on a fresh clone, then runs the
// TypeScript CLI through tsx. Production images run the compiled dist/cli.js instead.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureNodeDependencies } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureNodeDependencies(root);

const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
