// Which of Vigil's resources lack a tag cost allocation and ownership rely on: every resource the
// model's cost is counted by (vigil:model and the config's own tags, e.g. cost-center), model
// versions also by vigil:version. Pure: the resources and their tags come in, the gaps go out.

export type TaggedKind = 'sagemaker-model' | 'endpoint-config' | 'endpoint' | 'model-package-group' | 's3-bucket';

export interface TaggedResource {
  kind: TaggedKind;
  /** ARN (or s3:// bucket) as the listing gave it. */
  id: string;
  tags: Readonly<Record<string, string>>;
}

export interface TagFinding {
  kind: TaggedKind;
  id: string;
  missing: string[];
}

/** The tags each kind must carry: a bucket is shared by every model, so it carries the config's tags only. */
export function requiredTags(kind: TaggedKind, configTags: readonly string[]): string[] {
  const own = kind === 's3-bucket' ? [] : kind === 'sagemaker-model' || kind === 'endpoint-config' ? ['vigil:model', 'vigil:version'] : ['vigil:model'];
  return [...new Set([...own, ...configTags])];
}

/** The resources missing a required tag (an empty value counts as missing), in the order given. */
export function missingTags(resources: readonly TaggedResource[], configTags: readonly string[]): TagFinding[] {
  return resources.flatMap((resource) => {
    const missing = requiredTags(resource.kind, configTags).filter((key) => (resource.tags[key] ?? '') === '');
    return missing.length === 0 ? [] : [{ kind: resource.kind, id: resource.id, missing }];
  });
}
