// The ModelRegistry port on SageMaker model package groups: one group per model (created and
// tagged on first use), one model package per version, approval through the package's
// ModelApprovalStatus. Vigil's fields live in the package's CustomerMetadataProperties (see
// sagemaker-registry-metadata.ts); the description starts with "<model> <version>:", so a version
// is found from the listing without describing every package.
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  paginateListModelPackages,
  type ModelPackageSummary,
  type SageMakerClientConfig,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { NonRetryableError } from '../../../../domain/errors.js';
import { approvalTransition } from '../../../../domain/retraining/approval-transition.js';
import { checkSameArtifact, pendingVersion, type Registration } from '../../../../domain/retraining/registration.js';
import type { ModelReference } from '../../../../domain/monitoring/reference.js';
import type { ApprovalStatus, RegisteredVersion } from '../../../../domain/retraining/registered-version.js';
import type { ModelRegistry } from '../../../../ports/model-registry.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../../errors.js';
import { KeyedSerial } from '../../keyed-serial.js';
import { modelDataOf } from '../model-data.js';
import {
  SAFE_NAME,
  METADATA_KEYS,
  checkMetrics,
  decisionMetadata,
  decodePackage,
  decodeText,
  descriptionText,
  modelPackageGroupName,
  referenceKeys,
  registrationMetadata,
  registrationToken,
  withReference,
  type PackageFacts,
} from './registry-metadata.js';

export interface SageMakerModelRegistryOptions {
  /** A ready client (its own retry settings apply, and close() leaves it open); otherwise one is built. */
  client?: SageMakerClient;
  clientConfig?: SageMakerClientConfig;
  /** Inference container image (ECR URI) recorded with every version. */
  inferenceImage: string;
  /** Prefix of the group names (default "vigil-"): IAM policies can name `model-package-group/vigil-*`. */
  groupPrefix?: string;
  /** Added to every group and package created (cost allocation, ownership). */
  tags?: Record<string, string>;
  /** ListModelPackages page size, 1..100 (default 100). */
  pageSize?: number;
  /** DescribeModelPackage calls in flight at once while listing (default 4). */
  describeConcurrency?: number;
}

const contentTypes = ['text/csv'];

interface Found {
  facts: PackageFacts;
  version: RegisteredVersion;
}

function checkName(kind: string, name: string): void {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new NonRetryableError(`${kind} "${name}" must be letters, digits, ".", "_" or "-" (at most 128)`, 'INVALID_NAME');
  }
}

function descriptionPrefix(model: string, version: string): string {
  return `${model} ${version}:`;
}

function isMissing(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  return name === 'ResourceNotFound' || (name === 'ValidationException' && /does not exist|not found/i.test(message));
}

function isAlreadyThere(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  return name === 'ResourceInUse' || /already exists/i.test(message);
}

export class SageMakerModelRegistry implements ModelRegistry {
  private readonly client: SageMakerClient;
  private readonly ownsClient: boolean;
  private readonly knownGroups = new Set<string>();
  private readonly serial = new KeyedSerial();

  constructor(private readonly options: SageMakerModelRegistryOptions) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new SageMakerClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...(options.clientConfig ?? {}) });
  }

  /** The model package group that holds a model's versions. */
  groupFor(model: string): string {
    return modelPackageGroupName(model, this.options.groupPrefix);
  }

  async register(entry: Registration): Promise<RegisteredVersion> {
    checkName('model', entry.model);
    checkName('version', entry.version);
    checkMetrics(entry.model, entry.version, entry.metrics);
    return this.serial.run(entry.model, () => this.registerChecked(entry));
  }

  async setStatus(model: string, version: string, status: ApprovalStatus, decidedBy: string, reason: string): Promise<RegisteredVersion> {
    checkName('model', model);
    return this.serial.run(model, () => this.decide(model, version, status, decidedBy, reason));
  }

  async setReference(model: string, version: string, reference: ModelReference): Promise<RegisteredVersion> {
    checkName('model', model);
    return this.serial.run(model, async () => {
      const found = await this.find(model, version);
      if (found === undefined) {
        throw new NonRetryableError(`model ${model} has no registered version ${version} (model package group ${this.groupFor(model)})`, 'NOT_FOUND');
      }
      const metadata = withReference(found.facts.metadata, reference);
      // SageMaker merges the map into the package's metadata (moto replaces it): keys a baseline
      // reference drops are also removed by name.
      const removed = referenceKeys.filter((key) => key in found.facts.metadata && !(key in metadata));
      try {
        await this.client.send(
          new UpdateModelPackageCommand({
            ModelPackageArn: found.facts.arn,
            // Unchanged; sent because moto clears a status left out of the update.
            ModelApprovalStatus: found.version.status,
            CustomerMetadataProperties: metadata,
            ...(removed.length === 0 ? {} : { CustomerMetadataPropertiesToRemove: removed }),
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, `set the reference of model ${model} version ${version} (${found.facts.arn})`);
      }
      return decodePackage(model, { ...found.facts, metadata }) ?? { ...found.version, reference };
    });
  }

  async get(model: string, version: string): Promise<RegisteredVersion | undefined> {
    checkName('model', model);
    return (await this.find(model, version))?.version;
  }

  async list(model: string): Promise<RegisteredVersion[]> {
    checkName('model', model);
    const summaries = await this.summaries(model);
    const found = await this.describeAll(model, summaries);
    return found
      .map((entry) => entry.version)
      .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.version.localeCompare(b.version));
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private async registerChecked(entry: Registration): Promise<RegisteredVersion> {
    const existing = await this.find(entry.model, entry.version);
    if (existing !== undefined) {
      checkSameArtifact(existing.version, entry);
      return existing.version;
    }
    const group = await this.ensureGroup(entry.model);
    const registered = pendingVersion(entry);
    const metadata = registrationMetadata(registered);
    try {
      const created = await this.client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: descriptionText(
            `${descriptionPrefix(entry.model, entry.version)} ${entry.origin.reason} (workflow ${entry.origin.workflowId})`,
          ),
          ModelApprovalStatus: 'PendingManualApproval',
          InferenceSpecification: {
            // SageMaker takes a model.tar.gz URL, or an uncompressed folder as ModelDataSource (as the model host).
            Containers: [{ Image: this.options.inferenceImage, ...modelDataOf(entry.artifactUri, `model ${entry.model} version ${entry.version}`) }],
            SupportedContentTypes: contentTypes,
            SupportedResponseMIMETypes: contentTypes,
          },
          CustomerMetadataProperties: metadata,
          // Two racing registrations of one version make one package on SageMaker.
          ClientToken: registrationToken(group, entry.version),
          Tags: this.tags({ 'vigil:model': entry.model, 'vigil:version': entry.version }),
        }),
      );
      // Decoded from what was written, so register() and get() agree on long or encoded text.
      return decodePackage(entry.model, { arn: created.ModelPackageArn ?? group, status: registered.status, artifactUri: entry.artifactUri, metadata }) ?? registered;
    } catch (error) {
      throw classifyAwsError(error, `register model ${entry.model} version ${entry.version} in model package group ${group}`);
    }
  }

  private async decide(model: string, version: string, status: ApprovalStatus, decidedBy: string, reason: string): Promise<RegisteredVersion> {
    const found = await this.find(model, version);
    if (found === undefined) {
      throw new NonRetryableError(`model ${model} has no registered version ${version} (model package group ${this.groupFor(model)})`, 'NOT_FOUND');
    }
    const current = found.version;
    // The same decision again (an activity retry, a second click) changes nothing.
    if (approvalTransition(model, version, current, status) === 'unchanged') return current;
    // The whole map: SageMaker merges it into the package's metadata, moto replaces it; both end equal.
    const metadata = decisionMetadata(found.facts.metadata, decidedBy, reason);
    try {
      await this.client.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: found.facts.arn,
          ModelApprovalStatus: status,
          ApprovalDescription: descriptionText(`by ${decidedBy}: ${reason}`),
          CustomerMetadataProperties: metadata,
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, `set model ${model} version ${version} (${found.facts.arn}) to ${status}`);
    }
    return decodePackage(model, { ...found.facts, status, metadata }) ?? { ...current, status, decidedBy, decisionReason: reason };
  }

  private tags(extra: Record<string, string>): Tag[] {
    return Object.entries({ ...(this.options.tags ?? {}), ...extra }).map(([Key, Value]) => ({ Key, Value }));
  }

  /** The package of a version: candidates by description, confirmed by their metadata. */
  private async find(model: string, version: string): Promise<Found | undefined> {
    const prefix = descriptionPrefix(model, version);
    const candidates = (await this.summaries(model)).filter((summary) => (summary.ModelPackageDescription ?? '').startsWith(prefix));
    return (await this.describeAll(model, candidates)).find((entry) => entry.version.version === version);
  }

  private async summaries(model: string): Promise<ModelPackageSummary[]> {
    const group = this.groupFor(model);
    const summaries: ModelPackageSummary[] = [];
    try {
      const pages = paginateListModelPackages(
        { client: this.client, pageSize: this.options.pageSize ?? 100 },
        // Versioned packages are those of a group; the API's default type is UNVERSIONED.
        { ModelPackageGroupName: group, ModelPackageType: 'Versioned', SortBy: 'CreationTime', SortOrder: 'Ascending' },
      );
      for await (const page of pages) summaries.push(...(page.ModelPackageSummaryList ?? []));
    } catch (error) {
      // A model never registered has no group yet: it has no versions.
      if (isMissing(error)) return [];
      throw classifyAwsError(error, `list model packages of model ${model} (group ${group})`);
    }
    return summaries;
  }

  private async describeAll(model: string, summaries: ModelPackageSummary[]): Promise<Found[]> {
    const found: Found[] = [];
    const batch = Math.max(1, this.options.describeConcurrency ?? 4);
    for (let offset = 0; offset < summaries.length; offset += batch) {
      const described = await Promise.all(summaries.slice(offset, offset + batch).map((summary) => this.describe(model, summary)));
      for (const entry of described) if (entry !== undefined) found.push(entry);
    }
    return found;
  }

  private async describe(model: string, summary: ModelPackageSummary): Promise<Found | undefined> {
    const arn = summary.ModelPackageArn;
    if (arn === undefined) return undefined;
    try {
      const described = await this.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
      const facts: PackageFacts = {
        arn,
        status: described.ModelApprovalStatus,
        artifactUri: registeredArtifact(described.CustomerMetadataProperties ?? {}, described.InferenceSpecification?.Containers?.[0]),
        metadata: described.CustomerMetadataProperties ?? {},
      };
      const version = decodePackage(model, facts);
      return version === undefined ? undefined : { facts, version };
    } catch (error) {
      throw classifyAwsError(error, `describe model package ${arn} of model ${model}`);
    }
  }

  /** The model's group, created (tagged, described) the first time; a lost creation race is fine. */
  private async ensureGroup(model: string): Promise<string> {
    const group = this.groupFor(model);
    if (this.knownGroups.has(group)) return group;
    try {
      await this.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
    } catch (error) {
      if (!isMissing(error)) throw classifyAwsError(error, `describe model package group ${group} of model ${model}`);
      try {
        await this.client.send(
          new CreateModelPackageGroupCommand({
            ModelPackageGroupName: group,
            ModelPackageGroupDescription: descriptionText(`Vigil model ${model}: candidate versions and their approval`),
            Tags: this.tags({ 'vigil:model': model }),
          }),
        );
      } catch (createError) {
        if (!isAlreadyThere(createError)) throw classifyAwsError(createError, `create model package group ${group} of model ${model}`);
      }
    }
    this.knownGroups.add(group);
    return group;
  }
}

/** The artifact as registered: from the metadata when it was kept whole, else from the container. */
function registeredArtifact(metadata: Record<string, string>, container: { ModelDataUrl?: string | undefined; ModelDataSource?: { S3DataSource?: { S3Uri?: string | undefined } | undefined } | undefined } | undefined): string | undefined {
  const kept = metadata[METADATA_KEYS.artifactUri];
  const decoded = kept === undefined ? undefined : decodeText(kept);
  if (decoded !== undefined && !decoded.endsWith('…')) return decoded;
  return container?.ModelDataUrl ?? container?.ModelDataSource?.S3DataSource?.S3Uri;
}
