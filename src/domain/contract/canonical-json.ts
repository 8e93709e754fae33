// One text per contract, whatever the file's key order, spacing or spelled-out defaults, so a hash
// of it names the contract itself: rows, baselines and model versions stamped with the hash can be
// matched to the contract that wrote them. The hash is taken outside the domain (node:crypto).
import { type FeatureContract } from './contract.js';

/** JSON with object keys sorted (UTF-16 code units), no whitespace, undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonical JSON has no form for ${value}`);
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new Error(`canonical JSON has no form for a ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
  return `{${members.join(',')}}`;
}

/** The canonical text of a parsed contract (column defaults filled in, as every reader sees them). */
export function canonicalContractJson(contract: FeatureContract): string {
  return canonicalJson(contract);
}
