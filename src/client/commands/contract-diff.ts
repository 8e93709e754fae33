// `vigil contract diff OLD NEW`: whether rows written under one contract can be read under the other
// (FULL, BACKWARD, FORWARD or BREAKING; see src/domain/contract/compatibility.ts), with a line per
// change. The exit code lets CI refuse a breaking contract: 0 when compatible in either direction,
// 2 when BREAKING (1 stays what every failed command exits with: a file that cannot be read).
import { stat } from 'node:fs/promises';
import { readContractJson } from '../drift/file-checks.js';
import { contractHash } from '../../adapters/shared/contract-hash.js';
import { compareContracts, compatibilityOf, type Compatibility, type ContractComparison } from '../../domain/contract/compatibility.js';
import { ContractError, parseContract, type FeatureContract } from '../../domain/contract/contract.js';
import { planFeatures } from '../../domain/contract/validate-record-features.js';
import { messageOf } from '../../domain/errors.js';

export const contractDiffBreakingExitCode = 2;

export interface ContractDiffOptions {
  old: string;
  new: string;
  json?: boolean;
}

export interface ContractDiffResult {
  comparison: ContractComparison;
  exitCode: number;
}

const verdicts: Record<Compatibility, string> = {
  FULL: 'FULL: models and monitoring on either contract read rows written under the other',
  BACKWARD: 'BACKWARD: models and monitoring on the new contract read rows written under the old one (not the reverse)',
  FORWARD:
    'FORWARD: models and monitoring on the old contract read rows written under the new one (not the reverse: a baseline or window from before the change cannot be read under the new one)',
  BREAKING: 'BREAKING: neither contract reads every row written under the other: the new one needs a new model version and a baseline built under it',
};

/** Reads and checks one contract file; every failure is one line naming the file. */
async function loadContract(path: string, which: 'old' | 'new'): Promise<FeatureContract> {
  const label = `${which} contract ${path}`;
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`${label}: no such file`);
  if (!info.isFile()) throw new Error(`${label}: not a file`);
  let json: unknown;
  try {
    json = await readContractJson(path);
  } catch (error) {
    // The shared reader names its file as `vigil drift`'s --contract flag; this command says which
    // side. The JSON parser's message quotes the text around the error, line breaks included.
    const message = messageOf(error).replace(/\s*\n\s*/g, ' ');
    const prefix = `--contract ${path}: `;
    throw new Error(`${label}: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}`);
  }
  try {
    const contract = parseContract(json, label);
    // Defaults are checked as every reader compiles them, so a diff never passes a contract they refuse.
    planFeatures(contract.features);
    return contract;
  } catch (error) {
    if (error instanceof ContractError) throw new Error(`${label}: not a valid feature contract: ${error.problems.join('; ')}`);
    throw error;
  }
}

function describe(contract: FeatureContract, file: string): { file: string; model: string; feature_schema_version: number; hash: string } {
  return { file, model: contract.model, feature_schema_version: contract.feature_schema_version, hash: contractHash(contract) };
}

function summaryLines(comparison: ContractComparison): string[] {
  const first = comparison.changes.length === 0 ? 'FULL: the contracts hold the same features, columns and ranges' : verdicts[comparison.compatibility];
  return [
    first,
    ...comparison.changes.map((entry) => `  ${compatibilityOf(entry).padEnd(8)}  ${entry.reason}`),
    ...comparison.notes.map((note) => `  note: ${note}`),
    ...comparison.problems.map((problem) => `  error: ${problem}`),
  ];
}

export async function contractDiffCommand(options: ContractDiffOptions): Promise<ContractDiffResult> {
  const before = await loadContract(options.old, 'old');
  const after = await loadContract(options.new, 'new');
  if (before.model !== after.model) {
    throw new Error(
      `old contract ${options.old} describes model "${before.model}" and new contract ${options.new} "${after.model}": compare two versions of one model's contract`,
    );
  }
  const comparison = compareContracts(before, after);
  if (options.json === true) {
    console.log(JSON.stringify({ compatibility: comparison.compatibility, old: describe(before, options.old), new: describe(after, options.new), changes: comparison.changes, notes: comparison.notes, problems: comparison.problems }));
  } else {
    for (const line of summaryLines(comparison)) console.log(line);
  }
  return { comparison, exitCode: comparison.compatibility === 'BREAKING' || comparison.problems.length > 0 ? contractDiffBreakingExitCode : 0 };
}
