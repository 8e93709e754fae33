// `vigil pipeline deploy`: creates or updates the SageMaker Pipeline that retrains models, from the
// definition file in the repo (deploy/sagemaker/training-pipeline.json unless the config names
// another), with the deploy-time parameter values of the config and any --set overrides.
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import { deployPipeline, type DeployPipelineResult } from '../../adapters/aws/sagemaker/pipeline/pipeline-definition.js';
import { resolvePath } from '../../config/load.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface PipelineDeployOptions {
  config: string;
  /** NAME=VALUE overrides of the definition's parameter defaults. */
  set?: string[];
  description?: string;
}

/** Parses NAME=VALUE pairs; a malformed one is refused naming it. */
export function parseAssignments(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (match === null) throw new Error(`--set ${JSON.stringify(pair)}: expected NAME=VALUE with a parameter name`);
    values[match[1] ?? ''] = match[2] ?? '';
  }
  return values;
}

export async function pipelineDeployCommand(options: PipelineDeployOptions): Promise<DeployPipelineResult> {
  const loaded = await loadCliConfig(options.config);
  const aws = loaded.config.aws;
  if (aws === undefined) throw new Error(`${loaded.path}: \`vigil pipeline deploy\` needs the aws section of the config`);
  const client = new SageMakerClient(awsClientSettings(aws));
  try {
    const pipeline = aws.sagemaker.pipeline;
    const result = await deployPipeline({
      client,
      name: pipeline.name,
      roleArn: aws.sagemaker.executionRoleArn,
      definitionPath: resolvePath(loaded.path, pipeline.definition),
      parameterDefaults: { ...pipeline.parameters, ...parseAssignments(options.set ?? []) },
      tags: aws.tags,
      description: options.description ?? 'Vigil retraining: train a candidate, evaluate it and the champion on the same holdout',
      // The config's key (aws.kmsKeyId) on job outputs and volumes, as on everything else Vigil writes.
      jobSecurity: {
        networkIsolation: pipeline.networkIsolation,
        ...(aws.kmsKeyId === undefined ? {} : { kmsKeyId: aws.kmsKeyId }),
        ...(pipeline.vpc === undefined ? {} : { vpc: pipeline.vpc }),
      },
    });
    const what = result.created ? 'created' : result.updated ? 'updated' : 'unchanged';
    console.log(`pipeline ${pipeline.name} ${what}: ${result.pipelineArn}`);
    return result;
  } finally {
    client.destroy();
  }
}
