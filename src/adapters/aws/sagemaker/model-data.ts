// Where a SageMaker container finds a Vigil model: a model.tar.gz SageMaker extracts, or an
// uncompressed folder it copies to /opt/ml/model (S3Prefix, CompressionType None). The model host
// and the registry describe artifacts the same way.
import type { ContainerDefinition } from '@aws-sdk/client-sagemaker';
import { NonRetryableError } from '../../../domain/errors.js';

/**
 * Where SageMaker finds a version's files: a .tar.gz is extracted (ModelDataUrl); otherwise the
 * artifact's folder is copied as is (uncompressed, S3Prefix), so it must hold the artifact alone.
 */
export function modelDataOf(artifactUri: string, what: string): Pick<ContainerDefinition, 'ModelDataUrl' | 'ModelDataSource'> {
  if (artifactUri.endsWith('.tar.gz')) return { ModelDataUrl: artifactUri };
  const folder = artifactUri.endsWith('/') ? artifactUri : artifactUri.endsWith('/model.json') ? artifactUri.slice(0, -'model.json'.length) : undefined;
  // The container reads <model dir>/model.json: an artifact by another name would fail only once the endpoint starts.
  if (folder === undefined || !/^s3:\/\/[^/]+\/./.test(folder)) {
    throw new NonRetryableError(`${what}: artifact ${artifactUri} must be an S3 model.tar.gz, a folder ending in "/", or a model.json object`, 'INVALID_INPUT');
  }
  return { ModelDataSource: { S3DataSource: { S3Uri: folder, S3DataType: 'S3Prefix', CompressionType: 'None' } } };
}

/** The model data a container was created with, as one comparable string. */
export function modelDataLocation(container: ContainerDefinition | undefined): string | undefined {
  if (container?.ModelDataUrl !== undefined) return container.ModelDataUrl;
  const source = container?.ModelDataSource?.S3DataSource;
  if (source?.S3Uri === undefined) return undefined;
  return source.S3DataType === 'S3Prefix' && source.CompressionType === 'None' ? source.S3Uri : `${source.S3Uri} (${source.S3DataType ?? '?'}, ${source.CompressionType ?? '?'})`;
}
