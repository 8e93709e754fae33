// Vigil's resources on AWS with their tags, for `vigil cost tags`: the SageMaker Models and
// endpoint configs whose names carry a configured model's prefix, the configured endpoints, the
// models' package groups, and the buckets the config names. Listing by name, then ListTags per
// resource: the Resource Groups Tagging API finds only resources that already have a tag, and an
// untagged resource is exactly what this looks for.
import { DescribeModelPackageGroupCommand, type SageMakerClient, paginateListEndpointConfigs, paginateListModels } from '@aws-sdk/client-sagemaker';
import { GetBucketTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TaggedResource } from '../../../domain/cost/tag-check.js';
import { classifyAwsError } from '../errors.js';
import { resourceNamePrefix } from './hosting/model-host-names.js';
import { isNotFound, SageMakerLookup } from './hosting/model-host-lookup.js';
import { modelPackageGroupName } from './registry/registry-metadata.js';

export interface VigilResourceScope {
  models: readonly { id: string; endpoints: readonly string[] }[];
  buckets: readonly string[];
}

function tagMap(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

async function bucketTags(s3: S3Client, bucket: string): Promise<Record<string, string>> {
  try {
    return tagMap((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet);
  } catch (error) {
    // A bucket without any tag answers NoSuchTagSet.
    if ((error as { name?: string }).name === 'NoSuchTagSet') return {};
    throw error;
  }
}

export async function listTaggedResources(clients: { sagemaker: SageMakerClient; s3: S3Client }, scope: VigilResourceScope): Promise<TaggedResource[]> {
  const { sagemaker, s3 } = clients;
  const lookup = new SageMakerLookup(sagemaker);
  const what = 'list Vigil resources and their tags';
  const sageMakerTags = (arn: string): Promise<Record<string, string>> => lookup.tags(arn, what);
  const resources: TaggedResource[] = [];
  try {
    for (const model of scope.models) {
      const prefix = resourceNamePrefix([model.id]);
      const filter = prefix === '' ? {} : { NameContains: prefix };
      for await (const page of paginateListModels({ client: sagemaker }, filter)) {
        // NameContains narrows the listing; the check here keeps it exact where a listing ignores it.
        for (const summary of page.Models ?? []) {
          if (summary.ModelArn !== undefined && (summary.ModelName ?? '').includes(prefix)) resources.push({ kind: 'sagemaker-model', id: summary.ModelArn, tags: await sageMakerTags(summary.ModelArn) });
        }
      }
      for await (const page of paginateListEndpointConfigs({ client: sagemaker }, filter)) {
        for (const summary of page.EndpointConfigs ?? []) {
          if (summary.EndpointConfigArn !== undefined && (summary.EndpointConfigName ?? '').includes(prefix)) resources.push({ kind: 'endpoint-config', id: summary.EndpointConfigArn, tags: await sageMakerTags(summary.EndpointConfigArn) });
        }
      }
      for (const name of model.endpoints) {
        const arn = (await lookup.endpoint(name, what))?.EndpointArn;
        if (arn !== undefined) resources.push({ kind: 'endpoint', id: arn, tags: await sageMakerTags(arn) });
      }
      try {
        const group = await sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: modelPackageGroupName(model.id) }));
        if (group.ModelPackageGroupArn !== undefined) resources.push({ kind: 'model-package-group', id: group.ModelPackageGroupArn, tags: await sageMakerTags(group.ModelPackageGroupArn) });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    for (const bucket of [...new Set(scope.buckets)]) resources.push({ kind: 's3-bucket', id: `s3://${bucket}`, tags: await bucketTags(s3, bucket) });
  } catch (error) {
    throw classifyAwsError(error, what);
  }
  return resources;
}
