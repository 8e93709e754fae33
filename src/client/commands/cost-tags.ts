// `vigil cost tags`: lists Vigil's AWS resources that lack a tag cost allocation relies on
// (vigil:model, vigil:version on model versions, and every key of the config's aws.tags). Exits 2
// when one does, so CI or a weekly job can hold the line.
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClientSettings, s3Location } from '../../adapters/aws/client-settings.js';
import { listTaggedResources } from '../../adapters/aws/sagemaker/tagged-resources.js';
import { missingTags, type TagFinding } from '../../domain/cost/tag-check.js';
import { renderTable } from '../../terminal/table.js';
import { loadCliConfig } from '../load-cli-config.js';

export const untaggedExitCode = 2;

export interface CostTagsOptions {
  config: string;
  json?: boolean;
}

export async function costTagsCommand(options: CostTagsOptions): Promise<{ checked: number; findings: TagFinding[]; exitCode: number }> {
  const loaded = await loadCliConfig(options.config);
  const aws = loaded.config.aws;
  if (loaded.config.mode !== 'aws' || aws === undefined) throw new Error(`${loaded.path}: \`vigil cost tags\` checks AWS resources; the config is in mode "${loaded.config.mode}"`);
  const settings = awsClientSettings(aws);
  const sagemaker = new SageMakerClient(settings);
  const s3 = new S3Client({ ...settings, ...(settings.endpoint === undefined ? {} : { forcePathStyle: true }) });
  try {
    const resources = await listTaggedResources(
      { sagemaker, s3 },
      {
        models: loaded.config.models.map((model) => ({ id: model.id, endpoints: [model.endpoints.production, model.endpoints.staging] })),
        buckets: [aws.resultsLocation, aws.artifactsLocation, aws.athena.outputLocation].map((uri) => s3Location(uri).bucket),
      },
    );
    const findings = missingTags(resources, Object.keys(aws.tags));
    if (options.json === true) console.log(JSON.stringify({ checked: resources.length, findings }));
    else if (findings.length === 0) console.log(`${resources.length} Vigil resources checked: every one carries its tags`);
    else {
      console.log(renderTable(['kind', 'resource', 'missing'], findings.map((finding) => [finding.kind, finding.id, finding.missing.join(', ')])));
      console.log(`${findings.length} of ${resources.length} Vigil resources lack a tag cost allocation relies on`);
    }
    return { checked: resources.length, findings, exitCode: findings.length === 0 ? 0 : untaggedExitCode };
  } finally {
    sagemaker.destroy();
    s3.destroy();
  }
}
