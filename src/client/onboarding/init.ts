// `vigil init`: from a model's own files (production log, labels, baseline) to a feature contract
// and a local-mode config that the real config loader accepts, and the commands to run next.
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { parseContract, type FeatureContract, type FeatureContractJson } from '../../domain/contract/contract.js';
import { missingColumns, sourceColumns, type SourceName } from '../../domain/sql/source-columns.js';
import { fileSourceOf } from '../drift/file-comparison.js';
import { configSkeletonText } from './config-skeleton.js';
import { columnsFromFlags, contractText, parseMaxCategories, type ColumnFlags } from './contract-command.js';
import { columnNames, openDataFile } from './data-files.js';
import { inferFromOpenFile } from './infer-contract.js';
import { reservedRoles, roleFlags, roleWords } from './reserved-columns.js';
import { reservedColumnHints, type SourceFiles } from './source-hints.js';
import { writeNewFile } from './write-files.js';
import { pathExists } from '../../adapters/shared/path-exists.js';

export interface InitOptions extends ColumnFlags {
  model: string;
  log: string;
  labels: string;
  baseline: string;
  dir?: string;
  windowDays?: string;
  force?: boolean;
  maxCategories?: string;
  ranges?: boolean;
  /** Where notes go (default: stderr). */
  onNote?: (line: string) => void;
}

export interface InitResult {
  configPath: string;
  contractPath: string;
  contract: FeatureContractJson;
  /** The last day of the production log's event times (YYYY-MM-DD). */
  lastDay: string | undefined;
  loaded: LoadedConfig;
  /** What to run next, one command a line. */
  nextCommands: string[];
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function initCommand(options: InitOptions): Promise<InitResult> {
  if (!identifier.test(options.model)) throw new Error(`--model "${options.model}": a model id must be letters, digits and underscores`);
  const windowDays = parseWindowDays(options.windowDays);
  const maxCategories = parseMaxCategories(options.maxCategories) ?? 50;
  const dir = options.dir ?? '.';
  const contractPath = join(dir, `${options.model}.contract.json`);
  const configPath = join(dir, 'vigil.config.yaml');
  if (options.force !== true) {
    for (const path of [contractPath, configPath]) if (await pathExists(path)) throw new Error(`${path} already exists (--force replaces it)`);
  }
  const note = options.onNote ?? ((line: string) => console.error(`vigil init: ${line}`));
  const { contract, lastDay } = await inspectFiles(options, maxCategories, note);
  await writeNewFile(contractPath, contractText(contract), options.force === true);
  const configText = configSkeletonText({
    model: options.model,
    contract: `${options.model}.contract.json`,
    sources: { productionLog: sourceEntry(dir, options.log), labels: sourceEntry(dir, options.labels), baseline: sourceEntry(dir, options.baseline) },
    windowDays,
    approver: process.env.USER?.trim() || 'me',
    groupingFeatures: contract.features.filter((feature) => feature.type === 'category' || feature.type === 'bool').map((feature) => feature.name),
  });
  await writeNewFile(configPath, configText, options.force === true);
  const loaded = await loadWritten(configPath, contractPath);
  const nextCommands = [
    `npx vigil worker -c ${configPath}`,
    `npx vigil monitor run -c ${configPath} -m ${options.model} --date ${lastDay ?? 'YYYY-MM-DD'}`,
    `npx vigil query -c ${configPath} "SELECT window_start, subject, metric, value, threshold FROM monitoring_metrics WHERE breached"`,
  ];
  return { configPath, contractPath, contract, lastDay, loaded, nextCommands };
}

/** What `vigil init` prints on success: one summary line, then the commands to run next. */
export function initReport(result: InitResult): string {
  const features = result.contract.features.map((feature) => `${feature.name} ${feature.type}`).join(', ');
  return [
    `vigil init: wrote ${result.contractPath} (${features}) and ${result.configPath}; check the lines marked CHECK, then run:`,
    ...result.nextCommands.map((command) => `  ${command}`),
  ].join('\n');
}

function parseWindowDays(value: string | undefined): number {
  if (value === undefined) return 7;
  const days = Number(value);
  if (!/^\d+$/.test(value.trim()) || days < 1 || days > 90) throw new Error(`--window-days must be a whole number from 1 to 90, got "${value}"`);
  return days;
}

/** The contract inferred from the baseline, checked against all three files, and the log's last day. */
async function inspectFiles(
  options: InitOptions,
  maxCategories: number,
  note: (line: string) => void,
): Promise<{ contract: FeatureContractJson; lastDay: string | undefined }> {
  const warehouse = await DuckDbWarehouse.open();
  try {
    const files: SourceFiles = {
      productionLog: await openDataFile(warehouse, '--log', options.log, 'production_log'),
      labels: await openDataFile(warehouse, '--labels', options.labels, 'labels'),
      baseline: await openDataFile(warehouse, '--baseline', options.baseline, 'baseline'),
    };
    const contract = await inferFromOpenFile(warehouse, files.baseline, {
      model: options.model,
      columns: columnsFromFlags(options),
      hints: await reservedColumnHints(warehouse, files),
      otherColumns: [...columnNames(files.productionLog), ...columnNames(files.labels)],
      maxCategories,
      ranges: options.ranges === true,
      alsoIn: { flag: `the production log (--log ${options.log})`, columns: new Set(columnNames(files.productionLog)) },
      onNote: note,
    });
    const parsed = parseContract(contract, options.baseline);
    checkSourceColumns(parsed, files);
    return { contract, lastDay: await lastEventDay(warehouse, files, parsed.columns.event_time) };
  } finally {
    await warehouse.close();
  }
}

/** Every column monitoring reads must be in its file; names the file, the column and what it is for. */
function checkSourceColumns(contract: FeatureContract, files: SourceFiles): void {
  const required = sourceColumns(contract);
  for (const name of ['productionLog', 'labels', 'baseline'] as const satisfies readonly SourceName[]) {
    const file = files[name];
    const [missing] = missingColumns(required[name], columnNames(file));
    if (missing === undefined) continue;
    const role = reservedRoles.find((entry) => contract.columns[entry] === missing);
    const what = role === undefined ? 'a feature of the baseline' : `the ${roleWords[role]}; ${roleFlags[role]} names it`;
    throw new Error(`${file.flag} ${file.path}: no column "${missing}" (${what})`);
  }
}

async function lastEventDay(warehouse: DuckDbWarehouse, files: SourceFiles, eventTime: string): Promise<string | undefined> {
  const time = `TRY_CAST(${warehouse.sql.ident(eventTime)} AS TIMESTAMP)`;
  const { rows } = await warehouse.query(`SELECT strftime(max(${time}), '%Y-%m-%d') AS day FROM ${files.productionLog.view}`);
  const day = rows[0]?.day;
  return typeof day === 'string' ? day : undefined;
}

/** A source as the config names it: relative to the config's folder, format from the extension. */
function sourceEntry(dir: string, path: string): { path: string; format: 'parquet' | 'csv' } {
  const fromConfig = relative(resolve(dir), resolve(path));
  // On another drive (Windows) there is no relative path: the absolute one it is.
  return { path: isAbsolute(fromConfig) ? resolve(path) : fromConfig.split(sep).join('/'), format: fileSourceOf(path).format };
}

/** Loads the written config through the real loader; a config it refuses is removed, not left behind. */
async function loadWritten(configPath: string, contractPath: string): Promise<LoadedConfig> {
  try {
    return await loadConfig(configPath);
  } catch (error) {
    await rm(configPath, { force: true });
    await rm(contractPath, { force: true });
    throw error;
  }
}
