// The import rules the layout depends on, checked by dependency-cruiser in `npm test`
// (test/lint/dependency-rules.test.ts proves each rule fires). ESLint keeps the finer rules on
// what a layer may take from npm and Node (SDKs, built-ins); these rules are about the folders.

/** Code that may run inside the Temporal workflow sandbox. */
const workflowSafe = ['^src/workflows/', '^src/domain/', 'node_modules/@temporalio/(workflow|common)/', 'node_modules/zod/'];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle ties modules into one unit that can only be understood, tested and moved together.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain is pure: it imports nothing outside itself and no Node built-ins.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', 'node_modules/zod/'] },
    },
    {
      name: 'ports-know-only-the-domain',
      comment: 'A port is an interface over domain types; it knows no adapter, activity, workflow or config.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: ['^src/ports/', '^src/domain/'] },
    },
    {
      name: 'workflows-are-workflow-safe',
      comment: 'Workflows run in the deterministic sandbox: workflow code, the pure domain and @temporalio/workflow|common only (activities by type).',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { pathNot: workflowSafe, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-take-ports',
      comment: 'Activities receive ports from the composition root; they never construct adapters or reach into applications.',
      severity: 'error',
      from: { path: '^src/activities/' },
      to: { path: '^src/(adapters|worker|client|demo|model-server|sagemaker-container|cli)' },
    },
    {
      name: 'adapters-stay-below',
      comment: 'Adapters implement ports; they never call up into activities, workflows or the applications.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(activities|workflows|worker|client|demo|cli)' },
    },
    {
      name: 'worker-does-not-import-client',
      comment: 'The worker and the CLI share Temporal code through src/temporal, never each other.',
      severity: 'error',
      from: { path: '^src/worker/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'client-does-not-import-worker',
      comment: 'The worker and the CLI share Temporal code through src/temporal, never each other.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/worker/' },
    },
    {
      name: 'src-does-not-import-tests',
      comment: 'Test support is not shipped.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^dist/', '^node_modules/'] },
  },
};
