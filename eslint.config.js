// Lint rules, including the layering the architecture depends on:
// workflows stay deterministic (no I/O, no SDKs, no adapters) and domain code stays pure.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const sdkPatterns = [
  { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS SDK calls belong in src/adapters/aws.' },
  { group: ['@slack/*'], message: 'Slack calls belong in src/adapters/slack.' },
  { group: ['@duckdb/*'], message: 'DuckDB belongs in src/adapters/local.' },
  {
    group: ['**/adapters', '**/adapters/**'],
    message: 'Only the composition root (src/worker) may import adapters.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'cdk.out/**', 'test/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // A function that does not fit on a screen does several things; name them.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows are deterministic sandboxed code: no Node built-ins.',
          })),
          patterns: [
            ...sdkPatterns,
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'Workflows may import only @temporalio/workflow and @temporalio/common.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              message: 'Import activities into workflows as types only (import type).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Domain code and ports are pure: no I/O.' })),
          patterns: [
            ...sdkPatterns,
            { group: ['@temporalio/*'], message: 'Domain code and ports know nothing of Temporal.' },
            { group: ['**/activities/**', '**/workflows/**', '**/worker/**', '**/client/**'], message: 'Domain code depends on nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ ...sdkPatterns[3], allowTypeImports: false }, ...sdkPatterns.slice(0, 3)] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
  {
    // The dashboard's page script runs in the browser, beside the ECharts bundle it is served with.
    // Outside the TypeScript project (the default project takes 8 files at most): no type-aware rules.
    files: ['src/dashboard/page/*.js'],
    languageOptions: { globals: { ...globals.browser, echarts: 'readonly' }, parserOptions: { projectService: false, project: false } },
    rules: tseslint.configs.disableTypeChecked.rules,
  },
);
