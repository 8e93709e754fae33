// Proves every folder rule in .dependency-cruiser.mjs fires: a small tree under a temporary src/
// breaks each rule once, beside imports the rules must allow.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

// The rule file is plain JavaScript (dependency-cruiser's CLI reads it); its shape is the library's.
const rules = ((await import(pathToFileURL(join(process.cwd(), '.dependency-cruiser.mjs')).href)) as { default: IConfiguration }).default;
const forbidden = rules.forbidden ?? [];

const probeFiles: Record<string, string> = {
  // no-cycles
  'src/domain/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const a = () => b;\n",
  'src/domain/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = () => a;\n",
  // domain-is-pure (and what it may use)
  'src/domain/types.ts': 'export interface Row { id: string }\n',
  'src/domain/impure.ts': "import type { Port } from '../ports/port.js';\nexport type P = Port;\n",
  'src/domain/reads-files.ts': "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n",
  'src/domain/validates.ts': "import { z } from 'zod';\nimport type { Row } from './types.js';\nexport const s = z.string();\nexport type R = Row;\n",
  // ports-know-only-the-domain
  'src/ports/port.ts': "import type { Row } from '../domain/types.js';\nexport interface Port { row(): Row }\n",
  'src/ports/leaky.ts': "import type { Settings } from '../config/settings.js';\nexport type L = Settings;\n",
  'src/config/settings.ts': 'export interface Settings { name: string }\n',
  // workflows-are-workflow-safe
  'src/workflows/safe.ts': [
    "import { proxyActivities } from '@temporalio/workflow';",
    "import type { Activities } from '../activities/activities.js';",
    "import type { Row } from '../domain/types.js';",
    'export const p = proxyActivities<Activities>({ startToCloseTimeout: 1000 });',
    'export type R = Row;',
    '',
  ].join('\n'),
  'src/workflows/unsafe.ts': "import { activities } from '../activities/activities.js';\nexport const u = activities;\n",
  'src/workflows/uses-client.ts': "import { Client } from '@temporalio/client';\nexport const c = Client;\n",
  // activities-take-ports
  'src/activities/activities.ts': "import type { Port } from '../ports/port.js';\nexport const activities = { run: (port: Port) => port.row() };\nexport type Activities = typeof activities;\n",
  'src/activities/builds-adapter.ts': "import { Adapter } from '../adapters/adapter.js';\nexport const b = new Adapter();\n",
  // adapters-stay-below
  'src/adapters/adapter.ts': "import type { Port } from '../ports/port.js';\nexport class Adapter { port?: Port }\n",
  'src/adapters/calls-up.ts': "import { activities } from '../activities/activities.js';\nexport const c = activities;\n",
  // worker <-> client
  'src/worker/run.ts': "import { command } from '../client/command.js';\nexport const run = () => command;\n",
  'src/client/command.ts': "import { shared } from '../temporal/shared.js';\nexport const command = shared;\n",
  'src/client/starts-worker.ts': "import { run } from '../worker/run.js';\nexport const s = run;\n",
  'src/temporal/shared.ts': 'export const shared = 1;\n',
  // src-does-not-import-tests
  'src/client/uses-test.ts': "import { helper } from '../../test/helper.js';\nexport const h = helper;\n",
  'test/helper.ts': 'export const helper = 1;\n',
};

describe('dependency rules (.dependency-cruiser.mjs)', function () {
  this.timeout(60_000);
  let root: string;
  let violations: IViolation[];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-dependency-rules-'));
    for (const [path, text] of Object.entries(probeFiles)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await symlink(join(process.cwd(), 'node_modules'), join(root, 'node_modules'), 'dir');
    await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'test'] }));
    const previous = process.cwd();
    process.chdir(root);
    try {
      const { output } = await cruise(
        ['src'],
        { ...rules.options, validate: true, ruleSet: { forbidden } },
        {},
        { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) },
      );
      violations = (output as ICruiseResult).summary.violations;
    } finally {
      process.chdir(previous);
    }
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function broken(rule: string): string[] {
    return violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} -> ${v.to}`).sort();
  }

  it('refuses an import cycle', () => {
    assert.ok(broken('no-cycles').some((line) => line.startsWith('src/domain/cycle-a.ts')), JSON.stringify(broken('no-cycles')));
  });

  it('refuses domain imports of anything outside the domain, built-ins included', () => {
    assert.deepEqual(broken('domain-is-pure'), ['src/domain/impure.ts -> src/ports/port.ts', 'src/domain/reads-files.ts -> fs/promises']);
  });

  it('refuses a port importing config (or anything but the domain)', () => {
    assert.deepEqual(broken('ports-know-only-the-domain'), ['src/ports/leaky.ts -> src/config/settings.ts']);
  });

  it('refuses workflow imports that are not workflow-safe, allowing activities by type', () => {
    const lines = broken('workflows-are-workflow-safe');
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.ok(lines.includes('src/workflows/unsafe.ts -> src/activities/activities.ts'), JSON.stringify(lines));
    assert.ok(lines.some((line) => line.startsWith('src/workflows/uses-client.ts -> ') && line.includes('node_modules/@temporalio/client/')), JSON.stringify(lines));
  });

  it('refuses activities constructing adapters', () => {
    assert.deepEqual(broken('activities-take-ports'), ['src/activities/builds-adapter.ts -> src/adapters/adapter.ts']);
  });

  it('refuses adapters calling up into activities', () => {
    assert.deepEqual(broken('adapters-stay-below'), ['src/adapters/calls-up.ts -> src/activities/activities.ts']);
  });

  it('refuses worker -> client and client -> worker', () => {
    assert.deepEqual(broken('worker-does-not-import-client'), ['src/worker/run.ts -> src/client/command.ts']);
    assert.deepEqual(broken('client-does-not-import-worker'), ['src/client/starts-worker.ts -> src/worker/run.ts']);
  });

  it('refuses src importing test code', () => {
    assert.deepEqual(broken('src-does-not-import-tests'), ['src/client/uses-test.ts -> test/helper.ts']);
  });

  it('reports nothing else: the allowed imports pass', () => {
    const known = new Set(forbidden.map((rule) => rule.name));
    assert.deepEqual(violations.filter((v) => !known.has(v.rule.name)), []);
  });
});
