import { fileURLToPath } from 'node:url';

// Sources in development and tests (index.ts), compiled output in production (index.js).
const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/** Entry module of every workflow, for bundling. */
export const workflowsPath = fileURLToPath(new URL(`../workflows/index.${extension}`, import.meta.url));
