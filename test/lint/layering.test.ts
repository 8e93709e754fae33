// Proves the lint rules that keep workflows deterministic and domain code pure actually fire.
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// Type information is irrelevant to import rules; dropping it lets us lint virtual files.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: [{ ...tseslint.configs.disableTypeChecked, languageOptions: { parserOptions: { projectService: false } } }],
});

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, 'eslint returned no result');
  return result.messages.filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', () => {
  const forbiddenInWorkflows: [string, string][] = [
    ['node built-in', "import { readFileSync } from 'node:fs';"],
    ['bare node built-in', "import { createHash } from 'crypto';"],
    ['AWS SDK', "import { AthenaClient } from '@aws-sdk/client-athena';"],
    ['Slack SDK', "import { WebClient } from '@slack/web-api';"],
    ['Temporal client', "import { Client } from '@temporalio/client';"],
    ['Temporal worker', "import { Worker } from '@temporalio/worker';"],
    ['Temporal activity', "import { Context } from '@temporalio/activity';"],
    ['an adapter', "import { ConsoleNotifier } from '../adapters/local/console-notifier.js';"],
    ['activities by value', "import { createActivities } from '../activities/index.js';"],
  ];
  for (const [what, code] of forbiddenInWorkflows) {
    it(`refuses ${what} in src/workflows`, async () => {
      const messages = await restrictedImportMessages('src/workflows/probe.ts', `${code}\nexport const probe = 1;\n`);
      assert.equal(messages.length, 1, `expected one restricted-import error for: ${code}`);
    });
  }

  it('allows workflow-safe imports and type-only activity imports in src/workflows', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { SearchAttributeType } from '@temporalio/common';",
      "import type { createActivities } from '../activities/index.js';",
      "import { featureOrder } from '../domain/contract/contract.js';",
      'export const probe = [proxyActivities, SearchAttributeType, featureOrder];',
      'export type Probe = ReturnType<typeof createActivities>;',
    ].join('\n');
    assert.deepEqual(await restrictedImportMessages('src/workflows/probe.ts', code), []);
  });

  it('refuses I/O and SDKs in src/domain', async () => {
    for (const code of ["import { readFile } from 'node:fs/promises';", "import { DuckDBInstance } from '@duckdb/node-api';", "import { proxyActivities } from '@temporalio/workflow';"]) {
      const messages = await restrictedImportMessages('src/domain/probe.ts', `${code}\nexport const probe = 1;\n`);
      assert.equal(messages.length, 1, code);
    }
  });

  it('refuses adapters in src/activities (they receive ports)', async () => {
    const messages = await restrictedImportMessages(
      'src/activities/probe.ts',
      "import { ConsoleNotifier } from '../adapters/local/console-notifier.js';\nexport const probe = ConsoleNotifier;\n",
    );
    assert.equal(messages.length, 1);
  });
});
