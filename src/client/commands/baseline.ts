// `vigil baseline show`: what each version of a model is monitored against. A window's drift and
// bias compare with the reference of the version that served most of its rows: a retrained
// version's training window (with its own predictions where the pipeline wrote them), else the
// configured baseline. Read from the registry only, so it runs beside a running worker.
import { resolvePath, type LoadedConfig } from '../../config/load.js';
import { modelById } from '../../config/models.js';
import { FileModelRegistry } from '../../adapters/local/files/file-model-registry.js';
import { SageMakerModelRegistry } from '../../adapters/aws/sagemaker/registry/sagemaker-model-registry.js';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import type { ModelReference } from '../../domain/monitoring/reference.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import type { ModelRegistry } from '../../ports/model-registry.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface BaselineShowOptions {
  config: string;
  model: string;
  json?: boolean;
}

export interface VersionReference {
  version: string;
  status: RegisteredVersion['status'];
  reference: ModelReference;
  /** What the reference is, in words. */
  description: string;
}

function registryFor(loaded: LoadedConfig): { registry: ModelRegistry; close: () => void } {
  const aws = loaded.config.aws;
  if (loaded.config.mode === 'aws' && aws !== undefined) {
    const registry = new SageMakerModelRegistry({ clientConfig: awsClientSettings(aws), inferenceImage: aws.sagemaker.inferenceImage, tags: aws.tags });
    return { registry, close: () => registry.close() };
  }
  return { registry: new FileModelRegistry(resolvePath(loaded.path, loaded.config.dataDir)), close: () => undefined };
}

export function describeReference(reference: ModelReference, baselinePath: string): string {
  if (reference.kind === 'baseline') return `the configured baseline (${baselinePath})`;
  const window = `${reference.window.start.slice(0, 10)} .. ${reference.window.end.slice(0, 10)}`;
  const predictions = reference.scoredRowsUri === undefined ? 'the predictions logged when they were served' : `its own predictions (${reference.scoredRowsUri})`;
  return `the production rows of ${window} (end exclusive), labels as of ${reference.labelsAsOf}, with ${predictions}`;
}

/** Every registered version's reference; versions the registry does not hold use the baseline. */
export async function baselineShowCommand(options: BaselineShowOptions): Promise<VersionReference[]> {
  const loaded = await loadCliConfig(options.config);
  const model = modelById(loaded.config, options.model);
  const source = model.sources.baseline;
  const baselinePath = 'path' in source ? source.path : `table ${source.table}`;
  const { registry, close } = registryFor(loaded);
  try {
    const versions = await registry.list(options.model);
    const rows = versions.map((entry): VersionReference => {
      const reference = entry.reference ?? { kind: 'baseline', version: entry.version };
      return { version: entry.version, status: entry.status, reference, description: describeReference(reference, baselinePath) };
    });
    if (options.json === true) {
      console.log(JSON.stringify({ model: options.model, baseline: baselinePath, versions: rows }));
      return rows;
    }
    console.log(`${options.model}: a window is compared with the reference of the version that served most of its rows`);
    console.log(`  any version not listed here: ${describeReference({ kind: 'baseline' }, baselinePath)}`);
    for (const row of rows) console.log(`  ${row.version} (${row.status}): ${row.description}`);
    return rows;
  } finally {
    close();
  }
}
