// Which of a file's columns play the contract's reserved parts (record id, event time, prediction,
// model version, label, label time), so they are named under "columns" and kept out of the features.
import type { FeatureContract } from '../../domain/contract/contract.js';

export const reservedRoles = ['record_id', 'event_time', 'prediction', 'model_version', 'label', 'label_time'] as const satisfies readonly (keyof FeatureContract['columns'])[];
export type ReservedRole = (typeof reservedRoles)[number];
export type ReservedColumns = Record<ReservedRole, string>;

/** The command-line flag that names each part's column. */
export const roleFlags: Record<ReservedRole, string> = {
  record_id: '--id',
  event_time: '--time',
  prediction: '--prediction',
  model_version: '--version',
  label: '--label',
  label_time: '--label-time',
};

export const roleWords: Record<ReservedRole, string> = {
  record_id: 'record id',
  event_time: 'event time',
  prediction: 'prediction',
  model_version: 'model version',
  label: 'label',
  label_time: 'label time',
};

// Common spellings of the parts a model's own files name otherwise. A guess is reported, so a
// feature that happens to be called "score" is seen and can be put back with the flag.
const commonNames: Record<ReservedRole, readonly string[]> = {
  record_id: ['request_id', 'id'],
  event_time: ['timestamp', 'ts', 'event_timestamp', 'time'],
  prediction: ['score', 'predicted', 'pred', 'y_pred', 'yhat'],
  model_version: ['version', 'model'],
  label: ['target', 'actual', 'y', 'y_true', 'ground_truth'],
  label_time: ['labelled_at', 'labeled_at', 'label_timestamp'],
};

const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ResolvedColumns {
  columns: ReservedColumns;
  /** Parts found under another name than their default, without a flag: [part, column, how]. */
  guessed: [ReservedRole, string, string][];
}

/**
 * Per part: the flag, else the default name when present, else the caller's hint (what other
 * files show), else a common spelling when present, else the default name.
 */
export function resolveReservedColumns(
  present: readonly string[],
  flags: Partial<ReservedColumns> = {},
  hints: Partial<ReservedColumns> = {},
): ResolvedColumns {
  checkFlags(flags);
  const have = new Set(present);
  const taken = new Set(Object.values(flags));
  const columns = {} as ReservedColumns;
  const guessed: ResolvedColumns['guessed'] = [];
  for (const role of reservedRoles) {
    const flagged = flags[role];
    if (flagged !== undefined) {
      columns[role] = flagged;
      continue;
    }
    const hint = hints[role];
    const common = commonNames[role].find((name) => have.has(name) && !taken.has(name));
    if (have.has(role) || (hint === undefined && common === undefined)) columns[role] = role;
    else if (hint !== undefined) {
      columns[role] = hint;
      guessed.push([role, hint, 'from the files']);
    } else if (common !== undefined) {
      columns[role] = common;
      guessed.push([role, common, 'by its name']);
    }
    taken.add(columns[role]);
  }
  checkDistinct(columns);
  return { columns, guessed };
}

function checkFlags(flags: Partial<ReservedColumns>): void {
  for (const role of reservedRoles) {
    const name = flags[role];
    if (name !== undefined && !plainIdentifier.test(name)) {
      throw new Error(`${roleFlags[role]} "${name}": a column name must be letters, digits and underscores`);
    }
  }
}

function checkDistinct(columns: ReservedColumns): void {
  const owner = new Map<string, ReservedRole>();
  for (const role of reservedRoles) {
    const other = owner.get(columns[role]);
    if (other !== undefined) {
      throw new Error(`column "${columns[role]}" cannot be both the ${roleWords[other]} and the ${roleWords[role]} (${roleFlags[other]}, ${roleFlags[role]})`);
    }
    owner.set(columns[role], role);
  }
}

/** The parts whose column is not the default name: what a contract writes under "columns". */
export function renamedColumns(columns: ReservedColumns): Partial<ReservedColumns> {
  // Each part's default column name is the part's own name (see the contract's "columns").
  return Object.fromEntries(reservedRoles.filter((role) => columns[role] !== role).map((role) => [role, columns[role]]));
}
