// `vigil model register -m M --version V [--artifact A] --as U`: a model trained outside Vigil (the
// one serving before Vigil watched it) becomes an approved version, through the worker that owns the
// registry. Retraining then names its candidates after it and the gate compares them with it.
import { resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { modelById } from '../../config/models.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import type { registerModelWorkflow } from '../../workflows/retraining/register-model.js';
import { registerModelWorkflowId } from '../../workflows/shared/workflow-ids.js';
import { connectClient } from '../../temporal/connect.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface ModelRegisterOptions {
  config: string;
  model: string;
  version: string;
  /** Local mode: a model.json path; aws mode: an S3 model.tar.gz, folder or model.json. */
  artifact?: string;
  as: string;
  reason?: string;
  json?: boolean;
}

/** The artifact as the worker should read it: S3 as given, a local path made absolute. */
export function artifactFor(mode: 'local' | 'aws', artifact: string | undefined): string | undefined {
  if (artifact === undefined) {
    if (mode === 'aws') throw new Error('--artifact is required in aws mode: the registry keeps an S3 artifact with every version');
    return undefined;
  }
  if (mode === 'aws') {
    if (!artifact.startsWith('s3://')) throw new Error(`--artifact "${artifact}" must be an s3:// URI in aws mode`);
    return artifact;
  }
  if (artifact.startsWith('s3://')) throw new Error(`--artifact "${artifact}" is an S3 URI; local mode reads a model.json file`);
  return resolve(artifact);
}

export async function modelRegisterCommand(options: ModelRegisterOptions): Promise<RegisteredVersion> {
  const loaded = await loadCliConfig(options.config);
  const model = modelById(loaded.config, options.model);
  const artifactUri = artifactFor(loaded.config.mode, options.artifact);
  const connected = await connectClient();
  try {
    const workflowId = registerModelWorkflowId(model.id, options.version);
    let registered: RegisteredVersion;
    try {
      registered = await connected.client.workflow.execute<typeof registerModelWorkflow>('registerModelWorkflow', {
        taskQueue: loaded.config.temporal.taskQueue,
        workflowId,
        args: [
          {
            model: model.id,
            version: options.version,
            ...(artifactUri === undefined ? {} : { artifactUri }),
            by: options.as,
            reason: options.reason ?? 'registered as the serving version (trained elsewhere)',
          },
        ],
        // A failed registration may be tried again under the same name; a completed one is the record.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      });
    } catch (error) {
      // Registered before (or being registered now): its run's result is the answer.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      registered = await connected.client.workflow.getHandle<typeof registerModelWorkflow>(workflowId).result();
    }
    if (options.json === true) console.log(JSON.stringify(registered));
    else {
      const judged = artifactUri === undefined ? 'judged at the gate by the predictions it logged' : `artifact ${artifactUri}`;
      console.log(`registered ${registered.model} ${registered.version} (${registered.status} by ${registered.decidedBy ?? options.as}; ${judged})`);
    }
    return registered;
  } finally {
    await connected.close();
  }
}
