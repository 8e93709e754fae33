// Builds the production workflow bundle (dist/workflow-bundle.js) from the compiled workflows.
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

const { code } = await bundleWorkflowCode({ workflowsPath: new URL('../dist/workflows/index.js', import.meta.url).pathname });
await writeFile(new URL('../dist/workflow-bundle.js', import.meta.url), code);
console.log('wrote dist/workflow-bundle.js');
