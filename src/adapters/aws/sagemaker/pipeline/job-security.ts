// The security settings every job of the training pipeline gets at deploy time, whatever the
// definition file says: the KMS key on outputs and on the instances' volumes, network isolation
// (the containers reach nothing; SageMaker moves their inputs and outputs), traffic between
// instances encrypted, and the VPC the jobs run in when one is given.

export interface JobSecurity {
  /** KMS key (id, ARN or alias) for job outputs and volumes. */
  kmsKeyId?: string;
  networkIsolation: boolean;
  vpc?: { subnets: readonly string[]; securityGroupIds: readonly string[] };
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(parent: Json, key: string): Json {
  const found = parent[key];
  return isRecord(found) ? found : {};
}

function vpcConfig(security: JobSecurity): Json | undefined {
  return security.vpc === undefined ? undefined : { Subnets: [...security.vpc.subnets], SecurityGroupIds: [...security.vpc.securityGroupIds] };
}

function trainingArguments(args: Json, security: JobSecurity): Json {
  const vpc = vpcConfig(security);
  const key = security.kmsKeyId;
  return {
    ...args,
    OutputDataConfig: { ...child(args, 'OutputDataConfig'), ...(key === undefined ? {} : { KmsKeyId: key }) },
    ResourceConfig: { ...child(args, 'ResourceConfig'), ...(key === undefined ? {} : { VolumeKmsKeyId: key }) },
    EnableNetworkIsolation: security.networkIsolation,
    EnableInterContainerTrafficEncryption: true,
    ...(vpc === undefined ? {} : { VpcConfig: vpc }),
  };
}

function processingArguments(args: Json, security: JobSecurity): Json {
  const vpc = vpcConfig(security);
  const key = security.kmsKeyId;
  const resources = child(args, 'ProcessingResources');
  return {
    ...args,
    ProcessingOutputConfig: { ...child(args, 'ProcessingOutputConfig'), ...(key === undefined ? {} : { KmsKeyId: key }) },
    ProcessingResources: { ...resources, ClusterConfig: { ...child(resources, 'ClusterConfig'), ...(key === undefined ? {} : { VolumeKmsKeyId: key }) } },
    NetworkConfig: {
      ...child(args, 'NetworkConfig'),
      EnableNetworkIsolation: security.networkIsolation,
      EnableInterContainerTrafficEncryption: true,
      ...(vpc === undefined ? {} : { VpcConfig: vpc }),
    },
  };
}

function secured(step: unknown, security: JobSecurity): unknown {
  if (!isRecord(step)) return step;
  const args = child(step, 'Arguments');
  if (step['Type'] === 'Training') return { ...step, Arguments: trainingArguments(args, security) };
  if (step['Type'] === 'Processing') return { ...step, Arguments: processingArguments(args, security) };
  if (step['Type'] === 'Condition') {
    const branch = (name: string): unknown => (Array.isArray(args[name]) ? (args[name] as unknown[]).map((inner) => secured(inner, security)) : args[name]);
    return { ...step, Arguments: { ...args, IfSteps: branch('IfSteps'), ElseSteps: branch('ElseSteps') } };
  }
  return step;
}

/** The definition with every training and processing step (those in condition branches too) secured. */
export function withJobSecurity<T extends { Steps: Json[] }>(definition: T, security: JobSecurity): T {
  return { ...definition, Steps: definition.Steps.map((step) => secured(step, security) as Json) };
}
