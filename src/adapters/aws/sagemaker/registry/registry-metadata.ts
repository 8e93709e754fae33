// How a registered version is written into a SageMaker model package and read back. SageMaker
// accepts only a narrow character set in metadata (letters, digits, spaces and _ . : / = + - @),
// at most 128 characters per key, 256 per value and 50 entries, and only letters, digits and
// hyphens (63 at most) in group names; free text and model ids are encoded to fit.
import { createHash } from 'node:crypto';
import { NonRetryableError } from '../../../../domain/errors.js';
import type { ApprovalStatus, RegisteredVersion } from '../../../../domain/retraining/registered-version.js';
import type { ModelReference } from '../../../../domain/monitoring/reference.js';

export const METADATA_KEYS = {
  model: 'vigil:model',
  version: 'vigil:version',
  registeredAt: 'vigil:registeredAt',
  originReason: 'vigil:originReason',
  workflowId: 'vigil:workflowId',
  decidedBy: 'vigil:decidedBy',
  decisionReason: 'vigil:decisionReason',
  /** The artifact exactly as registered (the container definition may hold only its folder). */
  artifactUri: 'vigil:artifactUri',
  /** The training window and label cut-off of a retrained version: its monitoring reference. */
  referenceStart: 'vigil:referenceStart',
  referenceEnd: 'vigil:referenceEnd',
  referenceLabelsAsOf: 'vigil:referenceLabelsAsOf',
  /** The feature contract the version was trained and is served under. */
  featureSchemaVersion: 'vigil:featureSchemaVersion',
  contractHash: 'vigil:contractHash',
} as const;
export const METRIC_KEY_PREFIX = 'metric:';

export const MAX_METADATA_ENTRIES = 50;
export const MAX_METADATA_KEY_LENGTH = 128;
export const MAX_METADATA_VALUE_LENGTH = 256;
/** Metric entries left once Vigil's own keys are counted. */
export const MAX_METRICS = MAX_METADATA_ENTRIES - Object.keys(METADATA_KEYS).length;

const metadataCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const groupNamePattern = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const maxGroupName = 63;
const base64Tag = 'b64:';
const truncatedTag = 'b64t:';

/** Model ids and version names the registry accepts (the same rule as the local registry). */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const statuses: readonly ApprovalStatus[] = ['PendingManualApproval', 'Approved', 'Rejected'];

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * The model package group of a model: `<prefix><model>` when that is a valid name, otherwise the
 * model id with other characters turned into hyphens plus a hash of the id, so two ids never share
 * a group.
 */
export function modelPackageGroupName(model: string, prefix = 'vigil-'): string {
  const plain = `${prefix}${model}`;
  if (groupNamePattern.test(plain)) return plain;
  const hash = shortHash(model);
  const room = maxGroupName - prefix.length - hash.length - 1;
  const readable = model.replace(/[^A-Za-z0-9]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  const name = readable === '' ? `${prefix}${hash}` : `${prefix}${readable}-${hash}`;
  if (!groupNamePattern.test(name)) {
    throw new NonRetryableError(`model package group prefix "${prefix}" must be letters, digits and hyphens`, 'INVALID_NAME');
  }
  return name;
}

/** Idempotency token of CreateModelPackage for one version (SageMaker: 1-36 of [a-zA-Z0-9-]). */
export function registrationToken(group: string, version: string): string {
  return createHash('sha256').update(`${group}\n${version}`).digest('hex').slice(0, 36);
}

function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * A metadata value for free text: as written when SageMaker accepts it, otherwise base64 (whose
 * alphabet it accepts) behind a tag; text too long even then keeps its longest prefix that fits.
 */
export function encodeText(text: string): string {
  if (metadataCharacters.test(text) && text.length <= MAX_METADATA_VALUE_LENGTH && !text.startsWith(base64Tag) && !text.startsWith(truncatedTag)) {
    return text;
  }
  const whole = `${base64Tag}${toBase64(text)}`;
  if (whole.length <= MAX_METADATA_VALUE_LENGTH) return whole;
  const characters = [...text];
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (truncatedTag.length + toBase64(characters.slice(0, middle).join('')).length <= MAX_METADATA_VALUE_LENGTH) low = middle;
    else high = middle - 1;
  }
  return `${truncatedTag}${toBase64(characters.slice(0, low).join(''))}`;
}

/** The text encodeText wrote; a truncated one ends with "…". */
export function decodeText(value: string): string {
  if (value.startsWith(truncatedTag)) return `${Buffer.from(value.slice(truncatedTag.length), 'base64').toString('utf8')}…`;
  if (value.startsWith(base64Tag)) return Buffer.from(value.slice(base64Tag.length), 'base64').toString('utf8');
  return value;
}

export function metricKey(name: string): string {
  return `${METRIC_KEY_PREFIX}${name}`;
}

/** Refuses metrics SageMaker would refuse, before anything is created. */
export function checkMetrics(model: string, version: string, metrics: Record<string, number | null>): void {
  const names = Object.keys(metrics);
  const where = `model ${model} version ${version}`;
  if (names.length > MAX_METRICS) {
    throw new NonRetryableError(`${where}: ${names.length} metrics, SageMaker model package metadata holds at most ${MAX_METRICS}`, 'INVALID_INPUT');
  }
  for (const name of names) {
    const key = metricKey(name);
    if (!metadataCharacters.test(name) || key.length > MAX_METADATA_KEY_LENGTH) {
      throw new NonRetryableError(
        `${where}: metric name "${name}" must be at most ${MAX_METADATA_KEY_LENGTH - METRIC_KEY_PREFIX.length} letters, digits, spaces or _ . : / = + - @ (SageMaker metadata keys)`,
        'INVALID_INPUT',
      );
    }
  }
}

/** The metadata of a new package: strings only, nulls as "null", numbers as JavaScript prints them. */
export function registrationMetadata(entry: Omit<RegisteredVersion, 'status'>): Record<string, string> {
  const metadata: Record<string, string> = {
    [METADATA_KEYS.model]: entry.model,
    [METADATA_KEYS.version]: entry.version,
    [METADATA_KEYS.registeredAt]: encodeText(entry.registeredAt),
    [METADATA_KEYS.originReason]: encodeText(entry.origin.reason),
    [METADATA_KEYS.workflowId]: encodeText(entry.origin.workflowId),
    [METADATA_KEYS.artifactUri]: encodeText(entry.artifactUri),
  };
  if (entry.contract !== undefined) {
    metadata[METADATA_KEYS.featureSchemaVersion] = String(entry.contract.featureSchemaVersion);
    metadata[METADATA_KEYS.contractHash] = entry.contract.hash;
  }
  Object.assign(metadata, referenceMetadata(entry.reference));
  for (const [name, value] of Object.entries(entry.metrics)) metadata[metricKey(name)] = value === null ? 'null' : String(value);
  return metadata;
}

/** The reference keys of a training-window reference; none for the configured baseline. */
function referenceMetadata(reference: ModelReference | undefined): Record<string, string> {
  if (reference?.kind !== 'training-window') return {};
  return {
    [METADATA_KEYS.referenceStart]: encodeText(reference.window.start),
    [METADATA_KEYS.referenceEnd]: encodeText(reference.window.end),
    [METADATA_KEYS.referenceLabelsAsOf]: encodeText(reference.labelsAsOf),
  };
}

export const referenceKeys: readonly string[] = [METADATA_KEYS.referenceStart, METADATA_KEYS.referenceEnd, METADATA_KEYS.referenceLabelsAsOf];

/** The metadata with the reference replaced: the baseline is the absence of reference keys. */
export function withReference(current: Record<string, string>, reference: ModelReference): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(current).filter(([key]) => !referenceKeys.includes(key)));
  return { ...kept, ...referenceMetadata(reference) };
}

export function decisionMetadata(current: Record<string, string>, decidedBy: string, reason: string): Record<string, string> {
  return { ...current, [METADATA_KEYS.decidedBy]: encodeText(decidedBy), [METADATA_KEYS.decisionReason]: encodeText(reason) };
}

/** What a package says about itself, as DescribeModelPackage returns it. */
export interface PackageFacts {
  arn: string;
  status: string | undefined;
  artifactUri: string | undefined;
  metadata: Record<string, string>;
}

/**
 * The registered version a package holds, or undefined when it is not one of this model's Vigil
 * versions (a package registered by other means in the same group).
 */
export function decodePackage(model: string, facts: PackageFacts): RegisteredVersion | undefined {
  const { metadata } = facts;
  const version = metadata[METADATA_KEYS.version];
  if (metadata[METADATA_KEYS.model] !== model || version === undefined) return undefined;
  const corrupt = (problem: string): NonRetryableError =>
    new NonRetryableError(`model package ${facts.arn} (model ${model} version ${version}): ${problem}`, 'CORRUPT_STATE');
  const status = statuses.find((candidate) => candidate === facts.status);
  if (status === undefined) throw corrupt(`approval status ${String(facts.status)} is not one Vigil knows`);
  if (facts.artifactUri === undefined) throw corrupt('no ModelDataUrl in its inference specification');
  const metrics: Record<string, number | null> = {};
  for (const [key, text] of Object.entries(metadata)) {
    if (!key.startsWith(METRIC_KEY_PREFIX)) continue;
    const value = text === 'null' ? null : Number(text);
    if (value !== null && Number.isNaN(value) && text !== 'NaN') throw corrupt(`metric ${key} is "${text}", not a number`);
    metrics[key.slice(METRIC_KEY_PREFIX.length)] = value;
  }
  const text = (key: string): string | undefined => {
    const value = metadata[key];
    return value === undefined ? undefined : decodeText(value);
  };
  const registered: RegisteredVersion = {
    model,
    version,
    artifactUri: facts.artifactUri,
    status,
    registeredAt: text(METADATA_KEYS.registeredAt) ?? '',
    metrics,
    origin: { reason: text(METADATA_KEYS.originReason) ?? '', workflowId: text(METADATA_KEYS.workflowId) ?? '' },
  };
  const schemaVersion = metadata[METADATA_KEYS.featureSchemaVersion];
  const hash = metadata[METADATA_KEYS.contractHash];
  if (schemaVersion !== undefined && hash !== undefined) {
    const featureSchemaVersion = Number(schemaVersion);
    if (!Number.isInteger(featureSchemaVersion) || featureSchemaVersion < 1) throw corrupt(`feature schema version "${schemaVersion}" is not a positive whole number`);
    registered.contract = { featureSchemaVersion, hash };
  }
  const decidedBy = text(METADATA_KEYS.decidedBy);
  const decisionReason = text(METADATA_KEYS.decisionReason);
  if (decidedBy !== undefined) registered.decidedBy = decidedBy;
  if (decisionReason !== undefined) registered.decisionReason = decisionReason;
  const [start, end, labelsAsOf] = [text(METADATA_KEYS.referenceStart), text(METADATA_KEYS.referenceEnd), text(METADATA_KEYS.referenceLabelsAsOf)];
  if (start !== undefined && end !== undefined && labelsAsOf !== undefined) {
    registered.reference = { kind: 'training-window', version, window: { start, end }, labelsAsOf };
  }
  return registered;
}

/** Free text for a description field (no control characters), cut to SageMaker's limit. */
export function descriptionText(text: string, limit = 1024): string {
  const clean = text.replace(/[^\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]+/gu, ' ');
  return clean.length <= limit ? clean : `${clean.slice(0, limit - 1)}…`;
}
