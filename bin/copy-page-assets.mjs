// The dashboard's page (HTML, script, style) beside the compiled server in dist/, which serves it
// from there; tsc copies only what it compiles.
import { cp } from 'node:fs/promises';

await cp(new URL('../src/dashboard/page', import.meta.url), new URL('../dist/dashboard/page', import.meta.url), { recursive: true });
console.log('copied src/dashboard/page to dist/dashboard/page');
