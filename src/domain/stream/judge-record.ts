// One record of a stream, as it arrives (UTF-8 text that should hold a JSON object), judged by the
// contract: a valid record becomes a production-log row in contract order with the contract's
// version and hash stamped; anything else (not JSON, not an object, a record the contract refuses)
// becomes a quarantine entry with its reason and the text as received. Nothing is thrown.
import { schemaVersionColumn, type FeatureContract } from '../contract/contract.js';
import { recordValidator, type FeatureValue } from '../contract/validate-record.js';

/** What every row and quarantine entry carries to say which contract judged it. */
export interface ContractStamp {
  feature_schema_version: number;
  /** SHA-256 of the contract's canonical JSON. */
  contract_hash: string;
}

export interface StreamRecord {
  /** Where the record sits in its stream (Kinesis: the sequence number; a file: the line). */
  sequence: string;
  text: string;
  /** ISO-8601 UTC; places a record without a usable event time. */
  arrivedAt: string;
}

/** A production-log row: contract columns in contract order, then the stamp and the sequence. */
export type LogRow = Record<string, FeatureValue | number | string | null>;

export interface QuarantineEntry {
  sequence: string;
  record_id: string | null;
  /** ISO UTC when the record's event time places it in a window, else null. */
  event_time: string | null;
  reason: string;
  /** The record exactly as received. */
  raw_record: string;
  feature_schema_version: number;
  contract_hash: string;
}

export type JudgedRecord =
  | { valid: true; sequence: string; eventTime: string; row: LogRow }
  | { valid: false; sequence: string; arrivedAt: string; entry: QuarantineEntry; kinds: string[] };

/** The column that holds a row's place in its stream: a redelivered record is recognised by it. */
export const sequenceColumn = 'stream_sequence';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The parts of a reason, each without the value it quotes ("price: \"n/a\" is not a float" counts
 * as "price: not a float"): what per-reason counts and metrics are keyed by. A quoted value may
 * hold "; " itself, so parts are cut only where the next one starts with a column's name.
 */
export function reasonKinds(reason: string, names: readonly string[]): string[] {
  const parts = names.length === 0 ? [reason] : reason.split(new RegExp(`; (?=(?:${names.map(escapeRegExp).join('|')}): )`));
  return parts.map((part) => {
    const colon = part.indexOf(': ');
    if (colon < 0) return part;
    const rest = part.slice(colon + 2);
    const quoted = rest.startsWith('"') ? rest.lastIndexOf('" is ') : -1;
    return `${part.slice(0, colon)}: ${quoted < 0 ? rest : rest.slice(quoted + '" is '.length)}`;
  });
}

/** Compiles the contract once; the judge it returns never throws. */
export function recordJudge(contract: FeatureContract, stamp: ContractStamp): (record: StreamRecord) => JudgedRecord {
  const validator = recordValidator(contract);
  const c = contract.columns;
  const names = [c.record_id, c.event_time, schemaVersionColumn, ...contract.features.map((feature) => feature.name)];
  const quarantine = (record: StreamRecord, reason: string, kinds: string[], recordId: string | null, eventTime: string | null): JudgedRecord => ({
    valid: false,
    sequence: record.sequence,
    arrivedAt: record.arrivedAt,
    kinds,
    entry: { sequence: record.sequence, record_id: recordId, event_time: eventTime, reason, raw_record: record.text, ...stamp },
  });
  return (record) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.text) as unknown;
    } catch (error) {
      return quarantine(record, `not JSON: ${(error as Error).message}`, ['not JSON'], null, null);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return quarantine(record, 'not a JSON object', ['not a JSON object'], null, null);
    const verdict = validator.validate(parsed as Record<string, unknown>);
    if (!verdict.valid) return quarantine(record, verdict.reason, reasonKinds(verdict.reason, names), verdict.recordId, verdict.eventTime);
    const { row } = verdict;
    return {
      valid: true,
      sequence: record.sequence,
      eventTime: row.event_time,
      row: {
        [c.record_id]: row.record_id,
        [c.event_time]: row.event_time,
        ...row.features,
        [c.prediction]: row.prediction,
        [c.model_version]: row.model_version,
        ...stamp,
        [sequenceColumn]: record.sequence,
      },
    };
  };
}
