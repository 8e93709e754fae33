// `vigil drift --baseline A --current B`: the monitoring statistics over two files.
import { checkDataFile, readContractJson } from './file-checks.js';
import { compareFiles, type FeatureComparison } from './file-comparison.js';
import { formatNumber } from '../../domain/alerts/format.js';
import { parseContract } from '../../domain/contract/contract.js';
import { renderTable } from '../../terminal/table.js';

export interface DriftCommandOptions {
  baseline: string;
  current: string;
  contract?: string;
  bins: number;
  json?: boolean;
}

export async function driftCommand(options: DriftCommandOptions): Promise<FeatureComparison[]> {
  if (!Number.isInteger(options.bins) || options.bins < 2) throw new Error(`--bins must be an integer >= 2, got ${options.bins}`);
  await checkDataFile(options.baseline, '--baseline');
  await checkDataFile(options.current, '--current');
  const contract = options.contract === undefined ? undefined : parseContract(await readContractJson(options.contract), options.contract);
  const features = await compareFiles({
    baseline: options.baseline,
    current: options.current,
    bins: options.bins,
    ...(contract === undefined ? {} : { contract }),
    onSkipped: (column, reason) => console.error(`vigil drift: skipped column "${column}": ${reason}`),
    onExcluded: (feature, file, excluded, total) =>
      console.error(`vigil drift: feature "${feature}": ${excluded} of ${total} values in ${file} excluded (empty or not a valid value)`),
  });
  if (options.json === true) {
    console.log(JSON.stringify({ features }));
    return features;
  }
  const value = (entry: FeatureComparison, key: keyof FeatureComparison): string => {
    const raw = entry[key];
    return typeof raw === 'number' ? formatNumber(raw) : raw === null || raw === undefined ? '' : String(raw);
  };
  console.log(
    renderTable(
      ['feature', 'kind', 'ks', 'ks p', 'wass.', 'wass. norm', 'psi', 'js', 'chi2 p', 'linf', 'drifted'],
      features.map((entry) => [
        entry.name,
        entry.kind,
        value(entry, 'ks_statistic'),
        value(entry, 'ks_p_value'),
        value(entry, 'wasserstein'),
        value(entry, 'wasserstein_normed'),
        value(entry, 'psi'),
        value(entry, 'js_distance'),
        value(entry, 'chi2_p_value'),
        value(entry, 'linf'),
        entry.drifted ? `yes (${entry.method} >= ${entry.threshold})` : 'no',
      ]),
    ),
  );
  return features;
}
