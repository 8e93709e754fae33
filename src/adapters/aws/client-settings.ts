// What every AWS SDK client of Vigil is built with, from the config's aws section: the worker's
// composition and the CLI's `vigil pipeline deploy` build their clients the same way.
import type { AwsConfig } from '../../config/aws-schema.js';
import { AWS_MAX_ATTEMPTS } from './errors.js';

/** Settings every client shares; S3 behind a custom endpoint is addressed by path. */
export function awsClientSettings(aws: AwsConfig): { region: string; maxAttempts: number; endpoint?: string } {
  return { region: aws.region, maxAttempts: AWS_MAX_ATTEMPTS, ...(aws.endpointUrl === undefined ? {} : { endpoint: aws.endpointUrl }) };
}

/** Bucket and key prefix (ending in "/" unless empty) of an s3:// URI the config validated. */
export function s3Location(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  const prefix = match?.[2] ?? '';
  return { bucket: match?.[1] ?? '', prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}
