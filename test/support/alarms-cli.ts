// The alarm commands' tests against moto: a config naming moto's endpoint, and `vigil` run as its
// own process with moto's credentials.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { awsClientConfig, motoEndpoint } from './moto.js';

export interface AlarmsConfigOptions {
  dir: string;
  model: string;
  namespace: string;
  monitoring: Record<string, unknown>;
  mode?: 'aws' | 'local';
  tags?: Record<string, string>;
}

/** Writes vigil.<mode>.yaml in `dir` for one model whose contract is dir/contract.json; returns its path. */
export async function writeAlarmsConfig(options: AlarmsConfigOptions): Promise<string> {
  const mode = options.mode ?? 'aws';
  const path = join(options.dir, `vigil.${mode}.yaml`);
  const aws = {
    region: 'us-east-1',
    endpointUrl: await motoEndpoint(),
    athena: { database: 'vigil', outputLocation: 's3://vigil-athena/results/' },
    resultsLocation: 's3://vigil-results/tables/',
    artifactsLocation: 's3://vigil-artifacts/',
    sagemaker: { executionRoleArn: 'arn:aws:iam::123456789012:role/vigil', inferenceImage: 'vigil-serve:1' },
    cloudwatch: { namespace: options.namespace },
    snsTopicArn: alarmsTopicArn,
    ...(options.tags === undefined ? {} : { tags: options.tags }),
  };
  const source = mode === 'aws' ? { table: 't' } : { path: 'x.parquet' };
  const model = { id: options.model, contract: 'contract.json', endpoints: { production: 'prod', staging: 'staging' }, sources: { productionLog: source, labels: source, baseline: source }, monitoring: options.monitoring };
  await writeFile(path, stringify({ mode, ...(mode === 'aws' ? { aws } : {}), models: [model] }));
  return path;
}

export const alarmsTopicArn = 'arn:aws:sns:us-east-1:123456789012:vigil-alerts';

/** `vigil <args>` in its own process, with moto's credentials. */
export function vigilWithMoto(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { credentials } = awsClientConfig('');
  const run = spawnSync(process.execPath, ['bin/vigil.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
