// The reads the SageMaker model host shares: describes that answer undefined for what does not
// exist, tags, and the way from an endpoint or variant back to the model version behind it.
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  paginateListEndpoints,
  paginateListTags,
  type DescribeEndpointCommandOutput,
  type DescribeEndpointConfigCommandOutput,
  type DescribeModelCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { classifyAwsError } from '../../errors.js';
import { versionFromVariantName } from './model-host-names.js';

export type Endpoint = DescribeEndpointCommandOutput;

// SageMaker answers a missing resource with ValidationException "Could not find ...".
const notFoundMessage = /could not find|does not exist|not found/i;

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'ResourceNotFound' || (name === 'ValidationException' && error instanceof Error && notFoundMessage.test(error.message));
}

export function isAlreadyExisting(error: unknown): boolean {
  return errorName(error) === 'ValidationException' && error instanceof Error && /already exist/i.test(error.message);
}

export class SageMakerLookup {
  /** Variant names that had to be resolved through their model (a name never changes meaning). */
  private readonly variantVersions = new Map<string, string>();

  constructor(private readonly client: SageMakerClient) {}

  /** `signal` aborts the call; the signal's reason is then thrown (a cancelled activity, not a failed call). */
  async endpoint(endpoint: string, what: string, signal?: AbortSignal): Promise<Endpoint | undefined> {
    try {
      return await this.client.send(new DescribeEndpointCommand({ EndpointName: endpoint }), signal === undefined ? {} : { abortSignal: signal });
    } catch (error) {
      signal?.throwIfAborted();
      if (isNotFound(error)) return undefined;
      throw classifyAwsError(error, `${what}: DescribeEndpoint ${endpoint}`);
    }
  }

  async model(name: string, what: string): Promise<DescribeModelCommandOutput | undefined> {
    try {
      return await this.client.send(new DescribeModelCommand({ ModelName: name }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw classifyAwsError(error, `${what}: DescribeModel ${name}`);
    }
  }

  async endpointConfig(name: string, what: string): Promise<DescribeEndpointConfigCommandOutput | undefined> {
    try {
      return await this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw classifyAwsError(error, `${what}: DescribeEndpointConfig ${name}`);
    }
  }

  async tags(arn: string, what: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    try {
      for await (const page of paginateListTags({ client: this.client }, { ResourceArn: arn })) {
        for (const tag of page.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      }
    } catch (error) {
      throw classifyAwsError(error, `${what}: ListTags ${arn}`);
    }
    return tags;
  }

  /** The version behind the endpoint's serving variant. */
  async servingVersion(current: Endpoint, what: string): Promise<string | undefined> {
    const variant = current.ProductionVariants?.[0]?.VariantName;
    const decoded = variant === undefined ? undefined : versionFromVariantName(variant);
    if (decoded !== undefined) return decoded;
    if (current.EndpointConfigName === undefined) return undefined;
    return this.versionInConfig(current.EndpointConfigName, variant, what);
  }

  /** The version behind a variant that answered an invocation. */
  async variantVersion(endpoint: string, variant: string, what: string): Promise<string | undefined> {
    const known = versionFromVariantName(variant) ?? this.variantVersions.get(variant);
    if (known !== undefined) return known;
    const current = await this.endpoint(endpoint, what);
    // The answering variant is in the serving config, or in the one being switched to.
    for (const configName of [current?.EndpointConfigName, current?.PendingDeploymentSummary?.EndpointConfigName]) {
      if (configName === undefined) continue;
      const version = await this.versionInConfig(configName, variant, what);
      if (version !== undefined) return version;
    }
    return undefined;
  }

  /** Variant -> model -> the version its container was created with (or its vigil:version tag). */
  private async versionInConfig(configName: string, variant: string | undefined, what: string): Promise<string | undefined> {
    const variants = (await this.endpointConfig(configName, what))?.ProductionVariants ?? [];
    const chosen = variant === undefined ? variants[0] : variants.find((candidate) => candidate.VariantName === variant);
    if (chosen?.ModelName === undefined) return undefined;
    const model = await this.model(chosen.ModelName, what);
    if (model?.ModelArn === undefined) return undefined;
    const version = model.PrimaryContainer?.Environment?.VIGIL_MODEL_VERSION ?? (await this.tags(model.ModelArn, what))['vigil:version'];
    if (version !== undefined && chosen.VariantName !== undefined) this.variantVersions.set(chosen.VariantName, version);
    return version;
  }

  /** The models a config's variants run; `cache` spares describing a config twice in one pass. */
  async configModels(configName: string, cache: Map<string, Set<string>>, what: string): Promise<Set<string>> {
    let models = cache.get(configName);
    if (models === undefined) {
      const variants = (await this.endpointConfig(configName, what))?.ProductionVariants ?? [];
      models = new Set(variants.flatMap((variant) => (variant.ModelName === undefined ? [] : [variant.ModelName])));
      cache.set(configName, models);
    }
    return models;
  }

  /** Endpoints whose serving or pending config runs this model. */
  async endpointsUsing(modelName: string, cache: Map<string, Set<string>>, what: string): Promise<string[]> {
    const users: string[] = [];
    try {
      for await (const page of paginateListEndpoints({ client: this.client }, {})) {
        for (const summary of page.Endpoints ?? []) {
          if (summary.EndpointName === undefined) continue;
          const current = await this.endpoint(summary.EndpointName, what);
          for (const configName of [current?.EndpointConfigName, current?.PendingDeploymentSummary?.EndpointConfigName]) {
            if (configName !== undefined && (await this.configModels(configName, cache, what)).has(modelName)) {
              users.push(summary.EndpointName);
              break;
            }
          }
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `${what}: ListEndpoints`);
    }
    return users;
  }
}
