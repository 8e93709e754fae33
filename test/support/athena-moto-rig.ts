// An AthenaWarehouse of its own against moto: a fresh bucket (results under `results/`) and
// workgroup per call, so tests never see each other's statements or objects; and what moto
// recorded, read back (moto runs no SQL).
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AthenaWarehouse } from '../../src/adapters/aws/athena/athena-warehouse.js';
import { awsClientConfig, motoEndpoint } from './moto.js';

/** Clients of moto's Athena (in `region`: its result queue is per region) and S3, without retries. */
export async function athenaMotoClients(region: string): Promise<{ athena: AthenaClient; s3: S3Client }> {
  const endpoint = await motoEndpoint();
  return {
    athena: new AthenaClient({ ...awsClientConfig(endpoint), region, maxAttempts: 1 }),
    // Path-style addressing: the bucket cannot be a subdomain of 127.0.0.1.
    s3: new S3Client({ ...awsClientConfig(endpoint), forcePathStyle: true, maxAttempts: 1 }),
  };
}

export interface AthenaMotoRig {
  warehouse: AthenaWarehouse;
  bucket: string;
  workgroup: string;
  /** The statements Athena was asked to run, in order. */
  statements: () => Promise<string[]>;
  /** Object keys under the results root, sorted, without the root. */
  objects: (prefix?: string) => Promise<string[]>;
}

let counter = 0;

/** `name` tells the tests' buckets and workgroups apart; without `results` the warehouse only reads. */
export async function athenaMotoRig(clients: { athena: AthenaClient; s3: S3Client }, name: string, options: { results?: boolean } = {}): Promise<AthenaMotoRig> {
  const { athena, s3 } = clients;
  counter += 1;
  const bucket = `vigil-${name}-${process.pid}-${counter}`;
  const workgroup = `vigil-${name}-${process.pid}-${counter}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await athena.send(new CreateWorkGroupCommand({ Name: workgroup, Configuration: {} }));
  const warehouse = new AthenaWarehouse({
    client: athena,
    workgroup,
    database: 'vigil',
    outputLocation: `s3://${bucket}/athena-output/`,
    pollIntervalMs: 5,
    ...(options.results === false ? {} : { results: { location: `s3://${bucket}/results/`, client: s3 } }),
  });
  return {
    warehouse,
    bucket,
    workgroup,
    statements: async () => {
      const ids = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }))).QueryExecutionIds ?? [];
      const queries: string[] = [];
      for (const id of ids) queries.push((await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Query ?? '');
      return queries;
    },
    objects: async (prefix = '') => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `results/${prefix}` }));
      return (listed.Contents ?? []).map((object) => (object.Key ?? '').slice('results/'.length)).sort();
    },
  };
}
