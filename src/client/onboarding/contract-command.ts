// `vigil contract infer --from FILE`: prints (or writes) the feature contract of a data file.
import type { FeatureContractJson } from '../../domain/contract/contract.js';
import { inferContract } from './infer-contract.js';
import { writeNewFile } from './write-files.js';
import { pathExists } from '../../adapters/shared/path-exists.js';
import type { ReservedColumns } from './reserved-columns.js';

export interface ColumnFlags {
  id?: string;
  time?: string;
  prediction?: string;
  version?: string;
  label?: string;
  labelTime?: string;
}

export interface ContractInferOptions extends ColumnFlags {
  from: string;
  model?: string;
  out?: string;
  force?: boolean;
  maxCategories?: string;
  ranges?: boolean;
}

/** The reserved columns the flags name. */
export function columnsFromFlags(flags: ColumnFlags): Partial<ReservedColumns> {
  const entries: [keyof ReservedColumns, string | undefined][] = [
    ['record_id', flags.id],
    ['event_time', flags.time],
    ['prediction', flags.prediction],
    ['model_version', flags.version],
    ['label', flags.label],
    ['label_time', flags.labelTime],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [keyof ReservedColumns, string] => entry[1] !== undefined));
}

/** "--max-categories" as a whole number, refusing anything else in one line. */
export function parseMaxCategories(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new Error(`--max-categories must be a whole number >= 0, got "${value}"`);
  return Number(value);
}

export function contractText(contract: FeatureContractJson): string {
  return `${JSON.stringify(contract, null, 2)}\n`;
}

export async function contractInferCommand(options: ContractInferOptions): Promise<FeatureContractJson> {
  const maxCategories = parseMaxCategories(options.maxCategories);
  // Refused before the file is read, so the refusal is the only line printed.
  if (options.out !== undefined && options.force !== true && (await pathExists(options.out))) throw new Error(`${options.out} already exists (--force replaces it)`);
  const contract = await inferContract({
    from: options.from,
    ...(options.model === undefined ? {} : { model: options.model }),
    columns: columnsFromFlags(options),
    ...(maxCategories === undefined ? {} : { maxCategories }),
    ranges: options.ranges === true,
    onNote: (line) => console.error(`vigil contract infer: ${line}`),
  });
  if (options.out === undefined) {
    process.stdout.write(contractText(contract));
    return contract;
  }
  await writeNewFile(options.out, contractText(contract), options.force === true);
  console.error(`vigil contract infer: wrote ${options.out} (${contract.features.length} features)`);
  return contract;
}
