// A feature contract inferred from one data file (a baseline or a production log): the features in
// file order with their types, the reserved columns named when renamed, and a note for every
// column left out. The result always passes parseContract.
import { basename } from 'node:path';
import { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import { ContractError, parseContract, type FeatureContractJson } from '../../domain/contract/contract.js';
import { columnNames, openDataFile, type OpenedFile } from './data-files.js';
import { inferFeature, type FeatureJson } from './infer-feature.js';
import { renamedColumns, resolveReservedColumns, roleFlags, roleWords, type ReservedColumns } from './reserved-columns.js';

export interface InferContractOptions {
  /** The data file (Parquet or CSV). */
  from: string;
  /** The flag that named it, for messages (default "--from"). */
  flag?: string;
  /** Model id; default: the file's name made an identifier. */
  model?: string;
  /** Reserved columns named by flags. */
  columns?: Partial<ReservedColumns>;
  /** Reserved columns other files show (vigil init), used where no flag or default name applies. */
  hints?: Partial<ReservedColumns>;
  maxCategories?: number;
  ranges?: boolean;
  /** Columns of the other files (vigil init): a default name present there wins over a hint. */
  otherColumns?: readonly string[];
  /** Another file every feature must also be a column of (vigil init: the production log). */
  alsoIn?: { flag: string; columns: ReadonlySet<string> };
  /** A column left out of the features, or a reserved column found under another name. */
  onNote?: (line: string) => void;
}

export const defaultMaxCategories = 50;
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function inferContract(options: InferContractOptions): Promise<FeatureContractJson> {
  const model = options.model ?? modelFromFileName(options.from);
  if (!identifier.test(model)) throw new Error(`--model "${model}": a model id must be letters, digits and underscores`);
  const maxCategories = options.maxCategories ?? defaultMaxCategories;
  if (!Number.isInteger(maxCategories) || maxCategories < 0) throw new Error(`--max-categories must be a whole number >= 0, got ${maxCategories}`);
  const warehouse = await DuckDbWarehouse.open();
  try {
    const file = await openDataFile(warehouse, options.flag ?? '--from', options.from, 'data_file');
    return await inferFromOpenFile(warehouse, file, { ...options, model, maxCategories });
  } finally {
    await warehouse.close();
  }
}

/** The contract of a file already open as a view (vigil init opens the three files together). */
export async function inferFromOpenFile(
  warehouse: DuckDbWarehouse,
  file: OpenedFile,
  options: Omit<InferContractOptions, 'from' | 'flag' | 'model' | 'maxCategories'> & { model: string; maxCategories: number },
): Promise<FeatureContractJson> {
  const note = options.onNote ?? (() => undefined);
  const { columns, guessed } = resolveReservedColumns([...columnNames(file), ...(options.otherColumns ?? [])], options.columns, options.hints);
  for (const [role, column, how] of guessed) note(`column "${column}" is the ${roleWords[role]} (${how}; ${roleFlags[role]} names another)`);
  const reserved = new Set(Object.values(columns));
  const features: FeatureJson[] = [];
  const skipped: string[] = [];
  for (const column of file.columns) {
    if (reserved.has(column.name)) continue;
    if (options.alsoIn !== undefined && !options.alsoIn.columns.has(column.name)) {
      note(`skipped column "${column.name}": it is not a column of ${options.alsoIn.flag}`);
      continue;
    }
    const inferred = await inferFeature(warehouse, file.view, column, { maxCategories: options.maxCategories, ranges: options.ranges === true });
    if ('feature' in inferred) {
      features.push(inferred.feature);
    } else {
      skipped.push(`${column.name}: ${inferred.skipped}`);
      note(`skipped column "${column.name}": ${inferred.skipped}`);
    }
  }
  if (features.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.join('; ')})` : ' (every column is a reserved one)';
    throw new Error(`${file.flag} ${file.path}: no usable feature column${why}`);
  }
  const renamed = renamedColumns(columns);
  const contract: FeatureContractJson = {
    model: options.model,
    feature_schema_version: 1,
    ...(Object.keys(renamed).length > 0 ? { columns: renamed } : {}),
    features,
  };
  try {
    parseContract(contract, file.path);
  } catch (error) {
    const problems = error instanceof ContractError ? error.problems.join('; ') : String(error);
    throw new Error(`${file.flag} ${file.path}: the inferred contract is not valid: ${problems}`);
  }
  return contract;
}

/** "data/delivery_times.parquet" -> "delivery_times". */
export function modelFromFileName(path: string): string {
  const stem = basename(path).replace(/\.(csv|parquet)(\.gz)?$/i, '');
  const cleaned = stem.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^(?=\d)/, 'm_');
  return cleaned === '' ? 'model' : cleaned;
}
