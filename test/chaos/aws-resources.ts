// The AWS resources a chaos run leaves, read from moto directly (not through the fault front): the
// hosting resources of every version, each named once for its version (a retried create that
// picked a new name would show as one left over), nothing left of a version the cleanup deleted,
// and nothing of a version the registry does not hold.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { paginateListEndpointConfigs, paginateListEndpoints, paginateListModels, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { endpointConfigName, modelResourceName } from '../../src/domain/deploy/names.js';
import { awsClientConfig } from '../support/moto.js';
import type { InvariantCheck } from './invariants.js';

export interface HostedVersions {
  model: string;
  /** Versions the registry still holds (their hosting resources may remain). */
  live: readonly string[];
  /** Versions the cleanup deleted. */
  deleted: readonly string[];
  /** The endpoints a version may have been pointed at. */
  endpoints: readonly string[];
  artifactsBucket: string;
}

async function listed<T>(pages: AsyncIterable<T>, names: (page: T) => (string | undefined)[]): Promise<string[]> {
  const found: string[] = [];
  for await (const page of pages) found.push(...names(page).filter((name): name is string => name !== undefined));
  return found;
}

export async function awsResourcesAccounted(motoUrl: string, region: string, s3: S3Client, versions: HostedVersions): Promise<InvariantCheck> {
  const sagemaker = new SageMakerClient({ ...awsClientConfig(motoUrl), region });
  try {
    const models = await listed(paginateListModels({ client: sagemaker }, {}), (page) => (page.Models ?? []).map((entry) => entry.ModelName));
    const configs = await listed(paginateListEndpointConfigs({ client: sagemaker }, {}), (page) => (page.EndpointConfigs ?? []).map((entry) => entry.EndpointConfigName));
    const endpoints = await listed(paginateListEndpoints({ client: sagemaker }, {}), (page) => (page.Endpoints ?? []).map((entry) => entry.EndpointName));
    const nameOf = new Map<string, string>();
    for (const version of [...versions.live, ...versions.deleted]) {
      nameOf.set(modelResourceName(versions.model, version), version);
      for (const endpoint of versions.endpoints) nameOf.set(endpointConfigName(versions.model, version, endpoint), version);
    }
    const problems: string[] = [];
    const deleted = new Set(versions.deleted);
    for (const name of [...models, ...configs]) {
      const version = nameOf.get(name);
      if (version === undefined) problems.push(`${name} belongs to no registered version`);
      else if (deleted.has(version)) problems.push(`${name} outlived the cleanup of ${version}`);
    }
    for (const version of versions.deleted) {
      const objects = await s3.send(new ListObjectsV2Command({ Bucket: versions.artifactsBucket, Prefix: `models/${versions.model}/${version}/` }));
      if ((objects.KeyCount ?? 0) > 0) problems.push(`${objects.KeyCount ?? 0} artifact objects of ${version} outlived its cleanup`);
    }
    const strayEndpoints = endpoints.filter((endpoint) => !versions.endpoints.includes(endpoint));
    if (strayEndpoints.length > 0) problems.push(`endpoints outside the config: ${strayEndpoints.join(', ')}`);
    return {
      name: 'SageMaker models, endpoint configs and artifacts: one per version, none of a deleted one',
      held: problems.length === 0 && models.length > 0,
      detail: problems.length === 0 ? `${models.length} models, ${configs.length} endpoint configs, ${endpoints.length} endpoints; ${versions.deleted.length} deleted versions left nothing` : problems.slice(0, 4).join('; '),
    };
  } finally {
    sagemaker.destroy();
  }
}
