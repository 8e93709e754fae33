// Loads and validates a deployment config and the feature contracts it names. Every problem, in
// the config or in any contract, is collected before failing, each with its path and value.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ContractError, isNumeric, parseContract, type FeatureContract } from '../domain/contract/contract.js';
import { categoricalDriftMethods, configSchema, numericDriftMethods, type ModelConfig, type VigilConfig } from './schema.js';

export interface LoadedConfig {
  config: VigilConfig;
  /** Absolute path of the config file; relative paths in it resolve against its folder. */
  path: string;
  /** Contracts by model id. */
  contracts: Record<string, FeatureContract>;
  /** Short hash of the validated config and contracts: provenance of every result row. */
  hash: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid Vigil config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(absolute, [`cannot read the file: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = extname(absolute) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(absolute, [`cannot parse the file: ${(error as Error).message}`]);
  }
  return validateConfig(raw, absolute, env);
}

export async function validateConfig(raw: unknown, path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      path,
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}${describeValue(raw, issue.path)}`),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  const contracts: Record<string, FeatureContract> = {};
  for (const [index, model] of config.models.entries()) {
    const contractPath = resolvePath(path, model.contract);
    try {
      const json: unknown = JSON.parse(await readFile(contractPath, 'utf8'));
      const contract = parseContract(json, contractPath);
      if (contract.model !== model.id) {
        problems.push(`models.${index}.contract: ${contractPath} describes model "${contract.model}", not "${model.id}"`);
      }
      problems.push(...crossCheck(model, contract, index));
      contracts[model.id] = contract;
    } catch (error) {
      if (error instanceof ContractError) problems.push(...error.problems.map((p) => `models.${index}.contract (${contractPath}): ${p}`));
      else problems.push(`models.${index}.contract: cannot read ${contractPath}: ${(error as Error).message}`);
    }
  }
  problems.push(...checkSecrets(config, env));
  if (problems.length > 0) throw new ConfigError(path, problems);
  const hash = createHash('sha256').update(JSON.stringify({ config, contracts })).digest('hex').slice(0, 12);
  return { config, path, contracts, hash };
}

function crossCheck(model: ModelConfig, contract: FeatureContract, index: number): string[] {
  const problems: string[] = [];
  const features = new Map(contract.features.map((feature) => [feature.name, feature]));
  for (const [name, rule] of Object.entries(model.monitoring.drift.features)) {
    const feature = features.get(name);
    const at = `models.${index}.monitoring.drift.features.${name}`;
    if (feature === undefined) {
      problems.push(`${at}: "${name}" is not a feature of the contract (features: ${[...features.keys()].join(', ')})`);
      continue;
    }
    const methods: readonly string[] = isNumeric(feature) ? numericDriftMethods : categoricalDriftMethods;
    if (!methods.includes(rule.method)) {
      problems.push(`${at}.method: "${rule.method}" does not apply to a ${feature.type} feature (use one of ${methods.join(', ')})`);
    }
  }
  model.monitoring.facets.forEach((facet, facetIndex) => {
    if (facet.kind !== 'feature') return;
    const feature = features.get(facet.feature);
    const at = `models.${index}.monitoring.facets.${facetIndex}.feature`;
    if (feature === undefined) problems.push(`${at}: "${facet.feature}" is not a feature of the contract`);
    else if (feature.type !== 'category' && feature.type !== 'bool') {
      problems.push(`${at}: "${facet.feature}" is ${feature.type}; a facet needs a category or bool feature`);
    }
  });
  return problems;
}

function checkSecrets(config: VigilConfig, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const check = (value: string | undefined, at: string): void => {
    if (value?.startsWith('env:') === true && (env[value.slice(4)] ?? '') === '') {
      problems.push(`${at}: environment variable ${value.slice(4)} is not set`);
    }
  };
  check(config.slack?.botToken, 'slack.botToken');
  check(config.slack?.signingSecret, 'slack.signingSecret');
  return problems;
}

/** Reads a secret given as a literal or as env:NAME. */
export function readSecret(value: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!value.startsWith('env:')) return value;
  const resolved = env[value.slice(4)];
  if (resolved === undefined || resolved === '') throw new Error(`environment variable ${value.slice(4)} is not set`);
  return resolved;
}

export function resolvePath(configPath: string, target: string): string {
  return isAbsolute(target) ? target : resolve(dirname(configPath), target);
}

function formatPath(path: PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function describeValue(raw: unknown, path: PropertyKey[]): string {
  let value: unknown = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text === undefined || text.length > 80 ? '' : ` (got ${text})`;
}
