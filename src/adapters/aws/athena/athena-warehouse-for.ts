// An AthenaWarehouse as the config describes it (workgroup, database, output, encryption, result
// tables): the worker's and the CLI verbs' that read or write the warehouse alike.
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsConfig } from '../../../config/aws-schema.js';
import { AthenaWarehouse, type AthenaWarehouseOptions } from './athena-warehouse.js';

export function athenaWarehouseFor(aws: AwsConfig, clients: { athena: AthenaClient; s3: S3Client }, everyQuery?: AthenaWarehouseOptions['everyQuery']): AthenaWarehouse {
  return new AthenaWarehouse({
    client: clients.athena,
    workgroup: aws.athena.workgroup,
    database: aws.athena.database,
    outputLocation: aws.athena.outputLocation,
    pollIntervalMs: aws.athena.pollIntervalMs,
    encryption: aws.athena.encryption ?? (aws.kmsKeyId === undefined ? { option: 'SSE_S3' } : { option: 'SSE_KMS', kmsKey: aws.kmsKeyId }),
    results: { location: aws.resultsLocation, client: clients.s3 },
    ...(everyQuery === undefined ? {} : { everyQuery }),
  });
}
