// Loads and validates a deployment config and the feature contracts it names. Every problem, in
// the config or in any contract, is collected before failing, each with its path and value.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { contractHash } from '../adapters/shared/contract-hash.js';
import { ContractError, driftsAsNumbers, parseContract, type FeatureContract } from '../domain/contract/contract.js';
import { categoricalDriftMethods, configSchema, numericDriftMethods, type VigilConfig } from './schema.js';

export interface LoadedConfig {
  config: VigilConfig;
  /** Absolute path of the config file; relative paths in it resolve against its folder. */
  path: string;
  /** Contracts by model id. */
  contracts: Record<string, FeatureContract>;
  /** SHA-256 of each contract's canonical JSON, by model id (what stream rows and versions are stamped with). */
  contractHashes: Record<string, string>;
  /** Short hash of the validated config and contracts: provenance of every result row. */
  hash: string;
  /** What is accepted but unwise (a literal secret in the file), one line each, for the caller to print. */
  warnings: string[];
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
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}${describeValue(raw, issue.path)}`);
  // Contracts and secrets are checked even when the schema refuses the config, on whatever parts of
  // it are readable, so one pass reports every problem.
  const contracts: Record<string, FeatureContract> = {};
  for (const [index, model] of contractRefsOf(raw).entries()) {
    if (model === undefined) continue;
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
  problems.push(...checkSecrets(raw, env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(path, problems);
  const config = parsed.data;
  const hash = createHash('sha256').update(JSON.stringify({ config, contracts })).digest('hex').slice(0, 12);
  const contractHashes = Object.fromEntries(Object.entries(contracts).map(([model, contract]) => [model, contractHash(contract)]));
  return { config, path, contracts, contractHashes, hash, warnings: literalSecretWarnings(config) };
}

/** A secret written in the file ends up in backups, diffs and reviews; env:NAME keeps it out. */
function literalSecretWarnings(config: VigilConfig): string[] {
  const slack = config.slack;
  if (slack === undefined) return [];
  return (['botToken', 'signingSecret'] as const)
    .filter((key) => slack[key]?.startsWith('env:') === false)
    .map((key) => `slack.${key}: a literal secret in the config file; use env:NAME so it stays out of the file`);
}

/** What the contract checks read of one model. */
interface ContractRefs {
  id: string;
  contract: string;
  /** Per-feature drift method overrides: [feature, method]. */
  methods: [string, string][];
  /** Facets over a feature: [index in the facet list, feature]. */
  featureFacets: [number, string][];
}

/**
 * Read from the raw config, not the parsed one, so they exist when the schema refuses it. For a
 * valid config they are the same values (no default adds an override or a feature facet).
 */
function contractRefsOf(raw: unknown): (ContractRefs | undefined)[] {
  const models = valueAt(raw, ['models']);
  if (!Array.isArray(models)) return [];
  return models.map((model: unknown) => {
    const id = valueAt(model, ['id']);
    const contract = valueAt(model, ['contract']);
    if (typeof id !== 'string' || typeof contract !== 'string' || contract === '') return undefined;
    const overrides = valueAt(model, ['monitoring', 'drift', 'features']);
    const methods = isRecord(overrides)
      ? Object.entries(overrides).flatMap(([name, rule]): [string, string][] => {
          const method = valueAt(rule, ['method']);
          return typeof method === 'string' ? [[name, method]] : [];
        })
      : [];
    const facets = valueAt(model, ['monitoring', 'facets']);
    const featureFacets = Array.isArray(facets)
      ? facets.flatMap((facet: unknown, index): [number, string][] => {
          const feature = valueAt(facet, ['feature']);
          return valueAt(facet, ['kind']) === 'feature' && typeof feature === 'string' ? [[index, feature]] : [];
        })
      : [];
    return { id, contract, methods, featureFacets };
  });
}

function crossCheck(model: ContractRefs, contract: FeatureContract, index: number): string[] {
  const problems: string[] = [];
  const features = new Map(contract.features.map((feature) => [feature.name, feature]));
  for (const [name, method] of model.methods) {
    const feature = features.get(name);
    const at = `models.${index}.monitoring.drift.features.${name}`;
    if (feature === undefined) {
      problems.push(`${at}: "${name}" is not a feature of the contract (features: ${[...features.keys()].join(', ')})`);
      continue;
    }
    const methods: readonly string[] = driftsAsNumbers(feature) ? numericDriftMethods : categoricalDriftMethods;
    if (!methods.includes(method)) {
      problems.push(`${at}.method: "${method}" does not apply to a ${feature.type} feature (use one of ${methods.join(', ')})`);
    }
  }
  for (const [facetIndex, name] of model.featureFacets) {
    const feature = features.get(name);
    const at = `models.${index}.monitoring.facets.${facetIndex}.feature`;
    if (feature === undefined) problems.push(`${at}: "${name}" is not a feature of the contract`);
    else if (feature.type !== 'category' && feature.type !== 'bool') {
      problems.push(`${at}: "${name}" is ${feature.type}; a facet needs a category or bool feature`);
    }
  }
  return problems;
}

function checkSecrets(raw: unknown, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const check = (key: string): void => {
    const value = valueAt(raw, ['slack', key]);
    if (typeof value === 'string' && value.startsWith('env:') && (env[value.slice(4)] ?? '') === '') {
      problems.push(`slack.${key}: environment variable ${value.slice(4)} is not set`);
    }
  };
  check('botToken');
  check('signingSecret');
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

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(raw: unknown, path: PropertyKey[]): string {
  const value = valueAt(raw, path);
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text === undefined || text.length > 80 ? '' : ` (got ${text})`;
}
