// How SageMaker resources of the model host tell which model version they hold: the production
// variant's name carries the version (InvokeEndpoint reports the variant that answered, so the
// serving version is known without another call), identity tags mark models and endpoint configs,
// and a name filter narrows ListModels/ListEndpointConfigs to one model's resources.
import { deploymentTags, maxResourceNameLength, nameHashLength, sanitiseNamePart, stableHash } from '../../../../domain/deploy/names.js';

const variantPattern = /^[A-Za-z0-9](?:-*[A-Za-z0-9])*$/;
const plainPrefix = 'v-';
const hexPrefix = 'x-';
const hashPrefix = 'h-';

/**
 * The VariantName for a version: `v-{version}` when the version is already a valid name,
 * `x-{hex of its UTF-8}` when that fits (versions such as "2.1.0"), else `h-{hash}`, which only a
 * lookup of the variant's model can turn back into the version.
 */
export function variantNameFor(version: string): string {
  if (variantPattern.test(version) && plainPrefix.length + version.length <= maxResourceNameLength) return `${plainPrefix}${version}`;
  const hex = Buffer.from(version, 'utf8').toString('hex');
  if (hexPrefix.length + hex.length <= maxResourceNameLength) return `${hexPrefix}${hex}`;
  return `${hashPrefix}${stableHash(version)}`;
}

/** The version a variant name carries, or undefined when it must be looked up (hashed or foreign). */
export function versionFromVariantName(variantName: string): string | undefined {
  if (variantName.startsWith(plainPrefix) && variantName.length > plainPrefix.length) return variantName.slice(plainPrefix.length);
  const hex = variantName.slice(hexPrefix.length);
  if (variantName.startsWith(hexPrefix) && hex.length > 0 && hex.length % 2 === 0 && /^[0-9a-f]+$/.test(hex)) {
    const version = Buffer.from(hex, 'hex').toString('utf8');
    // A foreign variant that merely looks like hex must not decode to garbage.
    return variantNameFor(version) === variantName ? version : undefined;
  }
  return undefined;
}

/** vigil:model and vigil:version exactly as deploymentTags writes them (sanitised for AWS). */
export function identityTags(model: string, version: string): { 'vigil:model': string; 'vigil:version': string } {
  const tags = deploymentTags({ model, version, env: 'any', workflowId: 'any' });
  return { 'vigil:model': tags['vigil:model'] ?? model, 'vigil:version': tags['vigil:version'] ?? version };
}

/** Characters kept before the hash when names.ts has to shorten or disambiguate a name. */
const hashedHeadLength = maxResourceNameLength - nameHashLength - 1;

/**
 * A string every resource name derived from these leading parts starts with, whatever the parts
 * after them (e.g. all of one model's versions): for NameContains filters. Empty when nothing is
 * certain (the caller then lists everything). Matching it is necessary, not sufficient: tags or
 * descriptions decide.
 */
export function resourceNamePrefix(leadingParts: readonly string[]): string {
  const joined = leadingParts
    .map(sanitiseNamePart)
    .filter((part) => part !== '')
    .join('-');
  return joined.slice(0, hashedHeadLength).replace(/-+$/, '');
}

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
