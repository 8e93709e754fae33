// `vigil pipeline deploy`: checks a SageMaker Pipeline definition (the JSON of
// deploy/sagemaker/training-pipeline.json) against what Vigil sends, fills its deploy-time
// parameter defaults, and creates the pipeline or updates it in place. Deploying the same thing
// twice changes nothing (no UpdatePipeline, so no new pipeline version).
import { readFile } from 'node:fs/promises';
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  UpdatePipelineCommand,
  paginateListTags,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { NonRetryableError } from '../../../../domain/errors.js';
import { classifyAwsError } from '../../errors.js';
import { withJobSecurity, type JobSecurity } from './job-security.js';
import { PIPELINE_PARAMETER_NAMES, TUNABLE_PARAMETER_NAMES } from './pipeline-parameters.js';

export const PIPELINE_DEFINITION_VERSION = '2020-12-01';
/** Jobs run as this role; when the definition leaves it empty, the pipeline's own role. */
export const JOB_ROLE_PARAMETER = 'JobRoleArn';

const parameterTypes = ['String', 'Integer', 'Float', 'Boolean'] as const;
type ParameterType = (typeof parameterTypes)[number];
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;
/** CreatePipeline's limit on the definition text. */
const maxDefinitionLength = 1_048_576;

export interface PipelineParameterDeclaration {
  Name: string;
  Type?: ParameterType;
  DefaultValue?: string | number | boolean;
  Description?: string;
}

export interface PipelineDefinition {
  Version: string;
  Parameters: PipelineParameterDeclaration[];
  Steps: Record<string, unknown>[];
  [field: string]: unknown;
}

export interface DeployPipelineOptions {
  client: SageMakerClient;
  /** Pipeline name: letters, digits and hyphens. */
  name: string;
  /** The pipeline's execution role (iam:PassRole on it is needed). */
  roleArn: string;
  /** Path of the definition file; or give `definition` (parsed JSON or its text). */
  definitionPath?: string;
  definition?: unknown;
  /** Default values of declared parameters Vigil does not send (e.g. TrainerImage), text or typed. */
  parameterDefaults?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  description?: string;
  /** Applied to every training and processing step (KMS, network isolation, VPC). */
  jobSecurity?: JobSecurity;
}

export interface DeployPipelineResult {
  pipelineArn: string;
  created: boolean;
  /** False when the pipeline already had this definition, role and description. */
  updated: boolean;
}

function invalid(source: string, problem: string): NonRetryableError {
  return new NonRetryableError(`pipeline definition ${source}: ${problem}`, 'INVALID_DEFINITION');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `{"Get": "..."}` reference in a JSON value. */
export function getReferences(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(getReferences);
  if (!isRecord(value)) return [];
  const own = typeof value['Get'] === 'string' && Object.keys(value).length === 1 ? [value['Get']] : [];
  return [...own, ...Object.values(value).flatMap(getReferences)];
}

/** Every step, those nested in a Condition step's branches included. */
function allSteps(steps: unknown[]): Record<string, unknown>[] {
  return steps.flatMap((step) => {
    if (!isRecord(step)) return [];
    const args = isRecord(step['Arguments']) ? step['Arguments'] : {};
    return [step, ...[args['IfSteps'], args['ElseSteps']].flatMap((branch) => (Array.isArray(branch) ? allSteps(branch) : []))];
  });
}

/** Step arguments SageMaker takes as string-to-string maps: a number there is refused at start. */
export const STRING_MAP_ARGUMENTS = ['HyperParameters', 'Environment'] as const;

/** Values of the string maps that are not text: a literal other than a string, or a Get of a parameter that is not a String. */
function nonTextValues(steps: unknown[], declared: ReadonlyMap<string, ParameterType>): string[] {
  const problems: string[] = [];
  for (const step of allSteps(steps)) {
    const args = isRecord(step['Arguments']) ? step['Arguments'] : {};
    for (const field of STRING_MAP_ARGUMENTS) {
      const map = args[field];
      if (!isRecord(map)) continue;
      for (const [key, value] of Object.entries(map)) {
        const where = `step ${String(step['Name'])} ${field}.${key}`;
        if (typeof value === 'string') continue;
        if (!isRecord(value)) {
          problems.push(`${where} is ${JSON.stringify(value)}: SageMaker takes only text there`);
          continue;
        }
        const reference = Object.keys(value).length === 1 && typeof value['Get'] === 'string' ? value['Get'] : undefined;
        const parameter = reference?.startsWith('Parameters.') ? reference.slice('Parameters.'.length) : undefined;
        const type = parameter === undefined ? undefined : declared.get(parameter);
        // Other expressions (a step property, Std:Join) are SageMaker's to type.
        if (type !== undefined && type !== 'String') {
          problems.push(`${where} gets the ${type} parameter ${parameter ?? ''}: SageMaker takes only text there (declare it String)`);
        }
      }
    }
  }
  return problems;
}

function stepNames(steps: unknown[]): string[] {
  return allSteps(steps).flatMap((step) => (typeof step['Name'] === 'string' ? [step['Name']] : []));
}

function defaultMatches(type: ParameterType, value: unknown): boolean {
  if (type === 'String') return typeof value === 'string';
  if (type === 'Boolean') return typeof value === 'boolean';
  if (type === 'Integer') return Number.isInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Checks what CreatePipeline would accept and what Vigil relies on: the version, parameter names
 * and types, unique step names, every Get naming a declared parameter or step, text only in the
 * string maps (HyperParameters, Environment), and every parameter Vigil sends declared. `source`
 * names the definition in messages.
 */
export function validatePipelineDefinition(json: unknown, source: string): PipelineDefinition {
  if (!isRecord(json)) throw invalid(source, 'must be a JSON object');
  const problems: string[] = [];
  if (json['Version'] !== PIPELINE_DEFINITION_VERSION) problems.push(`Version must be "${PIPELINE_DEFINITION_VERSION}", got ${JSON.stringify(json['Version'])}`);
  const parameters = json['Parameters'];
  const steps = json['Steps'];
  if (!Array.isArray(parameters)) problems.push('Parameters is missing (an array of {Name, Type, DefaultValue})');
  if (!Array.isArray(steps) || steps.length === 0) problems.push('Steps is missing or empty');
  if (!Array.isArray(parameters) || !Array.isArray(steps)) throw invalid(source, problems.join('; '));

  const declared = new Map<string, ParameterType>();
  parameters.forEach((parameter, index) => {
    const name = isRecord(parameter) ? parameter['Name'] : undefined;
    const type = isRecord(parameter) ? (parameter['Type'] ?? 'String') : undefined;
    if (typeof name !== 'string' || !namePattern.test(name)) return problems.push(`Parameters[${index}].Name must be 1-64 letters, digits, "_" or "-"`);
    if (declared.has(name)) return problems.push(`parameter ${name} is declared twice`);
    const known = parameterTypes.find((candidate) => candidate === type);
    if (known === undefined) return problems.push(`parameter ${name} has Type ${JSON.stringify(type)}, not one of ${parameterTypes.join(', ')}`);
    declared.set(name, known);
    if (isRecord(parameter) && parameter['DefaultValue'] !== undefined && !defaultMatches(known, parameter['DefaultValue'])) {
      problems.push(`parameter ${name}: DefaultValue ${JSON.stringify(parameter['DefaultValue'])} is not a ${known}`);
    }
    return undefined;
  });
  const names = stepNames(steps);
  steps.forEach((step, index) => {
    if (!isRecord(step) || typeof step['Type'] !== 'string') problems.push(`Steps[${index}] needs a Type`);
  });
  for (const name of names) if (!namePattern.test(name)) problems.push(`step name "${name}" must be 1-64 letters, digits, "_" or "-"`);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) problems.push(`step name(s) used twice: ${[...new Set(duplicates)].join(', ')}`);
  for (const reference of new Set(getReferences(steps))) {
    const [kind, target] = reference.split('.');
    if (kind === 'Parameters' && !declared.has(target ?? '')) problems.push(`{"Get": "${reference}"} names no declared parameter`);
    if (kind === 'Steps' && !names.includes(target ?? '')) problems.push(`{"Get": "${reference}"} names no step`);
  }
  problems.push(...nonTextValues(steps, declared));
  const missing = [...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES].filter((name) => !declared.has(name));
  if (missing.length > 0) problems.push(`parameter(s) Vigil sends on every start are not declared: ${missing.join(', ')}`);
  if (problems.length > 0) throw invalid(source, problems.join('; '));
  return json as PipelineDefinition;
}

/** Reads and validates a definition file; a parse error names the file. */
export async function loadPipelineDefinition(path: string): Promise<PipelineDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw invalid(path, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseDefinitionText(text, path);
}

function parseDefinitionText(text: string, source: string): PipelineDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(source, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validatePipelineDefinition(json, source);
}

function typedDefault(source: string, name: string, type: ParameterType, value: string | number | boolean): string | number | boolean {
  // A config file writes `alpha: 0.5` as a number; a String parameter holds its text.
  if (type === 'String') return String(value);
  if (typeof value !== 'string') {
    if (!defaultMatches(type, value)) throw invalid(source, `default for ${name} must be a ${type}, got ${JSON.stringify(value)}`);
    return value;
  }
  if (type === 'Boolean' && (value === 'true' || value === 'false')) return value === 'true';
  const number = Number(value);
  if (value.trim() !== '' && defaultMatches(type, number)) return number;
  throw invalid(source, `default for ${name} must be a ${type}, got "${value}"`);
}

/**
 * The definition with deploy-time defaults applied. A String parameter Vigil does not send and that
 * still has no value would fail every execution, so it is refused here.
 */
export function withParameterDefaults(
  definition: PipelineDefinition,
  source: string,
  defaults: Record<string, string | number | boolean>,
  roleArn: string,
): PipelineDefinition {
  const byName = new Map(definition.Parameters.map((parameter) => [parameter.Name, parameter]));
  const unknown = Object.keys(defaults).filter((name) => !byName.has(name));
  if (unknown.length > 0) throw invalid(source, `defaults given for undeclared parameter(s) ${unknown.join(', ')}`);
  // Each start overrides these, so a default would never be used (LabelledRowsUri was once set here).
  const overridden = Object.keys(defaults).filter((name) => (PIPELINE_PARAMETER_NAMES as readonly string[]).includes(name));
  if (overridden.length > 0) {
    throw invalid(source, `defaults given for parameter(s) ${overridden.join(', ')}, which Vigil sends on every start: remove them from the deploy parameters`);
  }
  const sent = new Set<string>([...PIPELINE_PARAMETER_NAMES, ...TUNABLE_PARAMETER_NAMES]);
  const parameters = definition.Parameters.map((parameter) => {
    const given = defaults[parameter.Name];
    if (given !== undefined) return { ...parameter, DefaultValue: typedDefault(source, parameter.Name, parameter.Type ?? 'String', given) };
    if (parameter.Name === JOB_ROLE_PARAMETER && (parameter.DefaultValue ?? '') === '') return { ...parameter, DefaultValue: roleArn };
    return parameter;
  });
  const unset = parameters.filter((parameter) => !sent.has(parameter.Name) && (parameter.Type ?? 'String') === 'String' && (parameter.DefaultValue ?? '') === '');
  if (unset.length > 0) {
    const names = unset.map((parameter) => parameter.Name).join(', ');
    throw invalid(source, `parameter(s) ${names} have no value and Vigil does not send them: give their defaults at deploy (e.g. --set ${unset[0]?.Name ?? 'NAME'}=...)`);
  }
  return { ...definition, Parameters: parameters };
}

function isMissing(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  return name === 'ResourceNotFound' || (name === 'ValidationException' && /could not find|does not exist|not found/i.test(message));
}

function sameJson(text: string | undefined, value: unknown): boolean {
  if (text === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** Creates the pipeline, or updates it when it exists; tags are added to an existing one. */
export async function deployPipeline(options: DeployPipelineOptions): Promise<DeployPipelineResult> {
  const { client, name, roleArn } = options;
  const source = options.definitionPath ?? `for pipeline ${name}`;
  let loaded: PipelineDefinition;
  if (options.definition !== undefined) {
    loaded = typeof options.definition === 'string' ? parseDefinitionText(options.definition, source) : validatePipelineDefinition(options.definition, source);
  } else if (options.definitionPath !== undefined) {
    loaded = await loadPipelineDefinition(options.definitionPath);
  } else {
    throw new NonRetryableError(`deploy of pipeline ${name}: give definitionPath or definition`, 'INVALID_INPUT');
  }
  const defaulted = withParameterDefaults(loaded, source, options.parameterDefaults ?? {}, roleArn);
  const definition = options.jobSecurity === undefined ? defaulted : withJobSecurity(defaulted, options.jobSecurity);
  const text = JSON.stringify(definition);
  if (text.length > maxDefinitionLength) throw invalid(source, `${text.length} characters; SageMaker takes at most ${maxDefinitionLength}`);
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const what = `pipeline ${name}`;

  let existing: { arn: string; definition?: string; role?: string; description?: string } | undefined;
  try {
    const described = await client.send(new DescribePipelineCommand({ PipelineName: name }));
    existing = { arn: described.PipelineArn ?? name, definition: described.PipelineDefinition, role: described.RoleArn, description: described.PipelineDescription };
  } catch (error) {
    if (!isMissing(error)) throw classifyAwsError(error, `describe ${what}`);
  }
  if (existing === undefined) {
    try {
      const created = await client.send(
        new CreatePipelineCommand({
          PipelineName: name,
          PipelineDefinition: text,
          RoleArn: roleArn,
          ...(options.description === undefined ? {} : { PipelineDescription: options.description }),
          ...(tags.length === 0 ? {} : { Tags: tags }),
        }),
      );
      return { pipelineArn: created.PipelineArn ?? name, created: true, updated: true };
    } catch (error) {
      throw classifyAwsError(error, `create ${what}`);
    }
  }
  const unchanged =
    sameJson(existing.definition, definition) && existing.role === roleArn && (options.description === undefined || existing.description === options.description);
  try {
    if (!unchanged) {
      await client.send(
        new UpdatePipelineCommand({
          PipelineName: name,
          PipelineDefinition: text,
          RoleArn: roleArn,
          ...(options.description === undefined ? {} : { PipelineDescription: options.description }),
        }),
      );
    }
    await addMissingTags(client, existing.arn, tags);
  } catch (error) {
    throw classifyAwsError(error, `update ${what}`);
  }
  return { pipelineArn: existing.arn, created: false, updated: !unchanged };
}

/** AddTags only for keys whose value differs (AddTags overwrites on SageMaker, appends on moto). */
async function addMissingTags(client: SageMakerClient, arn: string, tags: { Key: string; Value: string }[]): Promise<void> {
  if (tags.length === 0) return;
  const current = new Map<string, string>();
  for await (const page of paginateListTags({ client }, { ResourceArn: arn })) {
    for (const tag of page.Tags ?? []) if (tag.Key !== undefined) current.set(tag.Key, tag.Value ?? '');
  }
  const changed = tags.filter((tag) => current.get(tag.Key) !== tag.Value);
  if (changed.length > 0) await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: changed }));
}
