// `npm run docs:permissions`: rewrites README.md's permissions table from infra/permissions.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { permissionsMarkdown, permissionsMarkers } from '../infra/permissions-table.js';

const readme = await readFile('README.md', 'utf8');
const start = readme.indexOf(permissionsMarkers.start);
const end = readme.indexOf(permissionsMarkers.end);
if (start < 0 || end < start) throw new Error(`README.md has no permissions markers (${permissionsMarkers.start} ... ${permissionsMarkers.end})`);
await writeFile('README.md', `${readme.slice(0, start)}${permissionsMarkdown()}${readme.slice(end + permissionsMarkers.end.length)}`);
console.log('README.md: permissions table rewritten');
