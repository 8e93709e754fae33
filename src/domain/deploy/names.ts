// Names and tags of the resources a deploy creates, derived only from the model, version, endpoint
// and run: a retried step finds the resource it created before instead of making a second one.
// Names follow SageMaker's rules (at most 63 characters of [a-zA-Z0-9-], starting and ending with a
// letter or digit), which the local host accepts as well.

export const maxResourceNameLength = 63;
/** Length of the hash suffix a shortened or disambiguated name ends with. */
export const nameHashLength = 12;

export class ResourceNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceNameError';
  }
}

/** FNV-1a, 64 bits, over UTF-16 code units, as hex: a stable digest without a crypto library. */
export function stableHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Resource-name cleaning: runs of other characters become one "-", none at either end. */
export function sanitiseNamePart(part: string): string {
  return part
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Joins the parts with "-". A hash of the exact parts is appended whenever the plain join could
 * name two different inputs alike: a part lost characters to sanitising ("v1.2" and "v1_2" both
 * read "v1-2"), a part other than the last holds a "-" (so the boundary is ambiguous), or the
 * name is too long and must be cut. Otherwise the name stays readable as it is.
 */
function resourceName(kind: string, parts: readonly [string, ...string[]]): string {
  parts.forEach((part) => {
    if (part.trim() === '') throw new ResourceNameError(`${kind}: every part of the name must be non-empty, got ${JSON.stringify(parts)}`);
  });
  const cleaned = parts.map(sanitiseNamePart);
  const lossy = cleaned.some((part, index) => part !== parts[index] || part === '');
  const ambiguous = cleaned.slice(0, -1).some((part) => part.includes('-'));
  const plain = cleaned.filter((part) => part !== '').join('-');
  if (!lossy && !ambiguous && plain.length <= maxResourceNameLength) return plain;
  const suffix = stableHash(JSON.stringify([kind, ...parts])).slice(0, nameHashLength);
  const room = maxResourceNameLength - nameHashLength - 1;
  const head = plain.slice(0, room).replace(/-+$/, '');
  return head === '' ? `h${suffix}` : `${head}-${suffix}`;
}

/** The deployable model of one version (SageMaker Model; a model version locally). */
export function modelResourceName(model: string, version: string): string {
  return resourceName('model', [model, version]);
}

/** The endpoint config that points `endpoint` at one version (one per endpoint and version). */
export function endpointConfigName(model: string, version: string, endpoint: string): string {
  return resourceName('endpoint-config', [model, version, endpoint]);
}

export interface DeploymentTagInput {
  model: string;
  version: string;
  /** Deployment environment ("staging", "production", "demo"). */
  env: string;
  /** The workflow that created the resource: what to look at when a resource is unexpected. */
  workflowId: string;
  costCenter?: string;
}

// AWS tag values: at most 256 of letters, digits, spaces and _ . : / = + - @.
const maxTagValueLength = 256;

function tagValue(value: string): string {
  const cleaned = value.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '_');
  if (cleaned.length <= maxTagValueLength) return cleaned;
  const suffix = stableHash(value).slice(0, nameHashLength);
  return `${cleaned.slice(0, maxTagValueLength - nameHashLength - 1)}-${suffix}`;
}

/** Tags for every model, endpoint config and execution a deploy creates: cost allocation and cleanup read them. */
export function deploymentTags(input: DeploymentTagInput): Record<string, string> {
  const tags: Record<string, string> = {
    'vigil:model': tagValue(input.model),
    'vigil:version': tagValue(input.version),
    'vigil:env': tagValue(input.env),
    'vigil:workflow': tagValue(input.workflowId),
  };
  if (input.costCenter !== undefined) tags['vigil:cost-center'] = tagValue(input.costCenter);
  return tags;
}
