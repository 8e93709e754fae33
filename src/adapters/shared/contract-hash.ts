// The hash that names a contract in what it stamps (stream rows, model versions, baselines): SHA-256
// of its canonical JSON (src/domain/contract/canonical-json.ts), kept out of the domain, which
// does not use node:crypto.
import { createHash } from 'node:crypto';
import { canonicalContractJson } from '../../domain/contract/canonical-json.js';
import type { FeatureContract } from '../../domain/contract/contract.js';
import type { ContractStamp } from '../../domain/stream/judge-record.js';

/** What stream rows and quarantine entries are stamped with: the contract's version and hash. */
export function contractStamp(contract: FeatureContract): ContractStamp {
  return { feature_schema_version: contract.feature_schema_version, contract_hash: contractHash(contract) };
}

/** SHA-256 (hex) of the contract's canonical JSON: the same for any spelling of the same contract. */
export function contractHash(contract: FeatureContract): string {
  return createHash('sha256').update(canonicalContractJson(contract), 'utf8').digest('hex');
}
