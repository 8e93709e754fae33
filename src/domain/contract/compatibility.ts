// Contract evolution: can rows written under one feature contract be read under another? The
// terms are Confluent Schema Registry's compatibility modes, translated to Vigil.
//
// A consumer is a model together with the monitoring that reads feature rows under a contract; data
// are rows produced under a contract (the production log, stream records, a baseline, the labelled
// rows a model is trained on).
//   BACKWARD  consumers on the NEW contract read rows written under the OLD one: monitoring and a
//             model moved to NEW still read the windows and the baseline from before the change.
//   FORWARD   consumers on the OLD contract read rows written under the NEW one: producers can
//             switch first while the deployed model and its monitoring still run on OLD.
//   FULL      both.
//   BREAKING  neither (Confluent's NONE).
// Each change gets the two flags; the contracts' compatibility is their meet (no change: FULL).
//
// "Read" is how Vigil reads a row (validate-record.ts and the SQL quarantine): features and columns
// are found by name; a column the contract does not name is ignored; a missing value takes the
// feature's default, or quarantines the row when there is none; a value that does not convert to
// the feature's type quarantines it. A valid value outside min/max or the category list is kept
// but counted as out of range by quality monitoring, so a change that makes rows of one side count
// as out of range on the other is not compatible in that direction, and neither is a change that
// gives the same row a different value (a changed default, a number that becomes a label).
// Order is the exception to reading by name: a model's input vector, the scoring payload and the
// SageMaker CSV are positional in contract order, and the vector built under one order, given to a
// model trained under the other, swaps its inputs with no error (every value still has a valid
// type). A move is therefore BREAKING, though monitoring alone would read either order. Adding or
// removing a feature changes the vector's length instead, which a positional reader refuses.
import { type FeatureContract, type FeatureSpec, type FeatureType } from './contract.js';

export type Compatibility = 'FULL' | 'BACKWARD' | 'FORWARD' | 'BREAKING';

export type ChangeKind =
  | 'feature_added'
  | 'feature_removed'
  | 'feature_renamed'
  | 'feature_moved'
  | 'type_widened'
  | 'type_narrowed'
  | 'type_changed'
  | 'range_widened'
  | 'range_narrowed'
  | 'categories_added'
  | 'categories_removed'
  | 'categories_listed'
  | 'categories_unlisted'
  | 'default_added'
  | 'default_removed'
  | 'default_changed'
  | 'calendar_changed'
  | 'description_changed'
  | 'column_renamed'
  | 'prediction_range_widened'
  | 'prediction_range_narrowed';

export interface ContractChange {
  /** The feature's name in the new contract (the old one for a removed feature); none for contract-wide changes. */
  feature?: string;
  kind: ChangeKind;
  /** Consumers on the new contract still read rows written under the old one. */
  backward: boolean;
  /** Consumers on the old contract still read rows written under the new one. */
  forward: boolean;
  reason: string;
}

export interface ContractComparison {
  compatibility: Compatibility;
  changes: ContractChange[];
  /** About the versions, not compatibility: a changed contract that keeps its feature_schema_version, ... */
  notes: string[];
  /** What the new contract claims and the changes refute: it lists the old version in compatible_versions but cannot read its rows. */
  problems: string[];
}

/** Two contracts that cannot be compared: they describe different models. */
export class ContractComparisonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractComparisonError';
  }
}

export function compatibilityOf(flags: { backward: boolean; forward: boolean }): Compatibility {
  if (flags.backward) return flags.forward ? 'FULL' : 'BACKWARD';
  return flags.forward ? 'FORWARD' : 'BREAKING';
}

function change(kind: ChangeKind, backward: boolean, forward: boolean, reason: string, feature?: string): ContractChange {
  return { ...(feature === undefined ? {} : { feature }), kind, backward, forward, reason };
}

type FeatureValue = number | string | boolean;

function shown(value: FeatureValue | undefined): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/** The default as a reader applies it: a number for numbers, true/false for a bool, text for a category. */
function defaultOf(spec: FeatureSpec): FeatureValue | undefined {
  const value = spec.default;
  if (value === undefined) return undefined;
  switch (spec.type) {
    case 'int':
    case 'float':
      return typeof value === 'number' ? value : Number(value);
    case 'bool':
      return value === true || value === 'true';
    case 'category':
      return String(value);
  }
}

function sameValue(a: FeatureValue | undefined, b: FeatureValue | undefined): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** What a reader makes of a row that lacks the feature. */
function whenAbsent(spec: FeatureSpec): string {
  const fallback = defaultOf(spec);
  return fallback === undefined ? 'missing (the row is quarantined)' : `its default ${shown(fallback)}`;
}

// ---- features added, removed, renamed ----

function added(spec: FeatureSpec): ContractChange {
  const fallback = defaultOf(spec);
  if (fallback === undefined) {
    return change(
      'feature_added',
      false,
      true,
      `feature "${spec.name}" added without a default: rows written under the old contract lack it, so the new contract quarantines every one ("${spec.name}: missing"); the old contract ignores the new column`,
      spec.name,
    );
  }
  return change(
    'feature_added',
    true,
    true,
    `feature "${spec.name}" added with default ${shown(fallback)}: the new contract reads ${shown(fallback)} in rows written before (a baseline from before holds only that value); the old contract ignores the new column`,
    spec.name,
  );
}

function removed(spec: FeatureSpec): ContractChange {
  const fallback = defaultOf(spec);
  const onOldSide =
    fallback === undefined
      ? `the old contract quarantines every new row, which lacks it ("${spec.name}: missing")`
      : `the old contract reads its default ${shown(fallback)} in every new row`;
  return change(
    'feature_removed',
    true,
    fallback !== undefined,
    `feature "${spec.name}" removed: the new contract ignores the column in old rows; ${onOldSide}`,
    spec.name,
  );
}

function rangeText(spec: { min?: number | undefined; max?: number | undefined }): string {
  if (spec.min === undefined && spec.max === undefined) return '';
  return ` in ${spec.min ?? ''}..${spec.max ?? ''}`;
}

/** What a removed and an added feature must share to be taken for one feature renamed. */
function shapeOf(spec: FeatureSpec): string {
  const categories = spec.categories === undefined ? null : [...spec.categories].sort();
  return JSON.stringify([spec.type, spec.min ?? null, spec.max ?? null, spec.calendar ?? null, categories]);
}

function shapeText(spec: FeatureSpec): string {
  const categories = spec.categories === undefined ? '' : ` with the same ${spec.categories.length} categories`;
  return `both ${spec.type}${rangeText(spec)}${categories}`;
}

function renamed(before: FeatureSpec, after: FeatureSpec): ContractChange {
  return change(
    'feature_renamed',
    false,
    false,
    `feature "${before.name}" -> "${after.name}" (likely renamed: ${shapeText(after)}): values are found by name, so the new contract reads "${after.name}" in old rows as ${whenAbsent(after)} and the old contract reads "${before.name}" in new rows as ${whenAbsent(before)}`,
    after.name,
  );
}

/**
 * Pairs each removed feature with an added one of the same shape, preferring the same position:
 * a likely rename. Returns old name -> new spec.
 */
function likelyRenames(oldFeatures: readonly FeatureSpec[], newFeatures: readonly FeatureSpec[]): Map<string, FeatureSpec> {
  const newNames = new Set(newFeatures.map((spec) => spec.name));
  const oldNames = new Set(oldFeatures.map((spec) => spec.name));
  const addedSpecs = newFeatures.filter((spec) => !oldNames.has(spec.name));
  const taken = new Set<string>();
  const pairs = new Map<string, FeatureSpec>();
  oldFeatures.forEach((before, oldIndex) => {
    if (newNames.has(before.name)) return;
    const candidates = addedSpecs.filter((spec) => !taken.has(spec.name) && shapeOf(spec) === shapeOf(before));
    const chosen = candidates.find((spec) => newFeatures.indexOf(spec) === oldIndex) ?? candidates[0];
    if (chosen === undefined) return;
    taken.add(chosen.name);
    pairs.set(before.name, chosen);
  });
  return pairs;
}

// ---- order ----

/** Indexes (into `a`) of one longest common subsequence of two name lists. */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Set<number> {
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => lengths[i]?.[j] ?? 0;
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      (lengths[i] as number[])[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const kept = new Set<number>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(i);
      i += 1;
      j += 1;
    } else if (at(i + 1, j) >= at(i, j + 1)) i += 1;
    else j += 1;
  }
  return kept;
}

/** Features both contracts hold (renames followed) whose order relative to the others changed. */
function moves(oldContract: FeatureContract, newContract: FeatureContract, renames: ReadonlyMap<string, FeatureSpec>): ContractChange[] {
  const newNames = newContract.features.map((spec) => spec.name);
  const oldAsNew = oldContract.features.map((spec) => renames.get(spec.name)?.name ?? spec.name);
  const shared = new Set(oldAsNew.filter((name) => newNames.includes(name)));
  const oldOrder = oldAsNew.filter((name) => shared.has(name));
  const newOrder = newNames.filter((name) => shared.has(name));
  const kept = longestCommonSubsequence(newOrder, oldOrder);
  return newOrder
    .filter((_, index) => !kept.has(index))
    .map((name) =>
      change(
        'feature_moved',
        false,
        false,
        `feature "${name}" moved from position ${oldAsNew.indexOf(name) + 1} to ${newNames.indexOf(name) + 1}: rows are read by name, but a model's input vector is in contract order, so a model trained under one order is given the other's vectors with inputs swapped and no error`,
        name,
      ),
    );
}

// ---- one feature in both contracts ----

function typeChange(name: string, from: FeatureType, to: FeatureType): ContractChange {
  const head = `feature "${name}": ${from} -> ${to}`;
  if (from === 'int' && to === 'float') {
    return change('type_widened', true, false, `${head} (widened): every old int reads as a float; a new non-integral value is a type error under the old contract`, name);
  }
  if (from === 'float' && to === 'int') {
    return change('type_narrowed', false, true, `${head} (narrowed): an old non-integral value is a type error under the new contract; every new int reads as a float under the old one`, name);
  }
  if (from === 'category' || to === 'category') {
    const number = from === 'category' ? to : from;
    return change(
      'type_changed',
      false,
      false,
      `${head}: a label that is not ${number === 'int' ? 'an int' : `a ${number}`} is a type error on the ${number} side, and one ${number} written two ways ("${number === 'bool' ? 'true" and "yes' : '2" and "2.0'}") is two different categories on the other`,
      name,
    );
  }
  return change('type_changed', false, false, `${head}: "true"/"yes" is not a number and a number other than 0 or 1 is not a bool, so a value of either side can be a type error on the other`, name);
}

interface Bounds {
  min?: number | undefined;
  max?: number | undefined;
}

/** Min and max compared one at a time: a lower min or a higher max widens, the reverse narrows. */
function boundChanges(before: Bounds, after: Bounds): { bound: 'min' | 'max'; widened: boolean; from?: number; to?: number }[] {
  const result: { bound: 'min' | 'max'; widened: boolean; from?: number; to?: number }[] = [];
  for (const bound of ['min', 'max'] as const) {
    const from = before[bound];
    const to = after[bound];
    if (from === to) continue;
    const unbounded = bound === 'min' ? -Infinity : Infinity;
    const fromLimit = from ?? unbounded;
    const toLimit = to ?? unbounded;
    const widened = bound === 'min' ? toLimit < fromLimit : toLimit > fromLimit;
    result.push({ bound, widened, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
  }
  return result;
}

function boundText(bound: 'min' | 'max', from: number | undefined, to: number | undefined): string {
  if (from === undefined) return `${bound} ${to} added`;
  if (to === undefined) return `${bound} ${from} removed`;
  return `${bound} ${from} -> ${to}`;
}

function rangeChanges(name: string, before: FeatureSpec, after: FeatureSpec): ContractChange[] {
  return boundChanges(before, after).map(({ bound, widened, from, to }) => {
    const side = bound === 'min' ? 'below' : 'above';
    const head = `feature "${name}": ${boundText(bound, from, to)}`;
    return widened
      ? change('range_widened', true, false, `${head} (widened): new values ${side} ${from} count as out of range under the old contract (flagged by quality, not quarantined)`, name)
      : change('range_narrowed', false, true, `${head} (narrowed): old values ${side} ${to} count as out of range under the new contract (flagged by quality, not quarantined)`, name);
  });
}

/** `category "a"` or `categories "a", "b"`. */
function listed(values: readonly string[]): string {
  return `${values.length === 1 ? 'category' : 'categories'} ${values.map((value) => JSON.stringify(value)).join(', ')}`;
}

function categoryChanges(name: string, before: FeatureSpec, after: FeatureSpec): ContractChange[] {
  const head = `feature "${name}"`;
  if (before.categories === undefined && after.categories === undefined) return [];
  if (before.categories === undefined) {
    return [change('categories_listed', false, true, `${head}: categories listed (${after.categories?.length ?? 0}): an old value not in the list counts as unseen under the new contract`, name)];
  }
  if (after.categories === undefined) {
    return [change('categories_unlisted', true, false, `${head}: category list removed: a new value not in the old list counts as unseen under the old contract`, name)];
  }
  const oldSet = new Set(before.categories);
  const newSet = new Set(after.categories);
  const addedValues = after.categories.filter((value) => !oldSet.has(value));
  const removedValues = before.categories.filter((value) => !newSet.has(value));
  return [
    ...(addedValues.length === 0
      ? []
      : [change('categories_added', true, false, `${head}: ${listed(addedValues)} added: every old value is still listed; a new row holding one counts as unseen under the old contract`, name)]),
    ...(removedValues.length === 0
      ? []
      : [change('categories_removed', false, true, `${head}: ${listed(removedValues)} removed: an old row holding one counts as unseen under the new contract`, name)]),
  ];
}

function defaultChanges(name: string, before: FeatureSpec, after: FeatureSpec): ContractChange[] {
  const from = defaultOf(before);
  const to = defaultOf(after);
  if (sameValue(from, to)) return [];
  const head = `feature "${name}": default`;
  if (from === undefined) {
    return [change('default_added', true, false, `${head} ${shown(to)} added: old rows always hold a value; a new row that leaves it out is quarantined by the old contract ("${name}: missing")`, name)];
  }
  if (to === undefined) {
    return [change('default_removed', false, true, `${head} ${shown(from)} removed: an old row that leaves it out (read as ${shown(from)} so far) is quarantined by the new contract ("${name}: missing")`, name)];
  }
  return [change('default_changed', false, false, `${head} ${shown(from)} -> ${shown(to)}: a row that leaves it out reads as ${shown(from)} under the old contract and ${shown(to)} under the new one`, name)];
}

function annotationChanges(name: string, before: FeatureSpec, after: FeatureSpec): ContractChange[] {
  const result: ContractChange[] = [];
  if (before.calendar !== after.calendar) {
    const text = after.calendar === undefined ? `calendar ${before.calendar} removed` : `calendar ${after.calendar} ${before.calendar === undefined ? 'added' : 'set'}`;
    result.push(change('calendar_changed', true, true, `feature "${name}": ${text}: drift compares its values differently; rows read the same`, name));
  }
  if (before.description !== after.description) {
    result.push(change('description_changed', true, true, `feature "${name}": description changed: rows read the same`, name));
  }
  return result;
}

function featureChanges(before: FeatureSpec, after: FeatureSpec): ContractChange[] {
  const name = after.name;
  const numeric = (type: FeatureType): boolean => type === 'int' || type === 'float';
  const sameKind = before.type === after.type || (numeric(before.type) && numeric(after.type));
  return [
    ...(before.type === after.type ? [] : [typeChange(name, before.type, after.type)]),
    // Across category/bool/number the type change already says it all.
    ...(sameKind ? [...rangeChanges(name, before, after), ...categoryChanges(name, before, after), ...defaultChanges(name, before, after)] : []),
    ...annotationChanges(name, before, after),
  ];
}

// ---- contract-wide ----

const columnConsequences: Record<keyof FeatureContract['columns'], string> = {
  record_id: 'rows written under the other are quarantined for a missing record id and their labels no longer join',
  event_time: 'rows written under the other fall in no window',
  prediction: 'rows written under the other look unscored (scored again, or left out of prediction drift)',
  model_version: 'rows written under the other lose the version that served them',
  label: 'labels written under the other are not found, so performance has none',
  label_time: 'labels written under the other lose their arrival time',
};

function columnChanges(before: FeatureContract, after: FeatureContract): ContractChange[] {
  return (Object.keys(columnConsequences) as (keyof FeatureContract['columns'])[])
    .filter((role) => before.columns[role] !== after.columns[role])
    .map((role) =>
      change(
        'column_renamed',
        false,
        false,
        `column ${role} "${before.columns[role]}" -> "${after.columns[role]}": columns are found by name, so for each contract ${columnConsequences[role]}`,
      ),
    );
}

function predictionRangeChanges(before: FeatureContract, after: FeatureContract): ContractChange[] {
  return boundChanges(before.prediction_range ?? {}, after.prediction_range ?? {}).map(({ bound, widened, from, to }) => {
    const side = bound === 'min' ? 'below' : 'above';
    const head = `prediction_range: ${boundText(bound, from, to)}`;
    return widened
      ? change('prediction_range_widened', true, false, `${head} (widened): new predictions ${side} ${from} are outside the old range (smoke tests fail, monitoring flags them)`)
      : change('prediction_range_narrowed', false, true, `${head} (narrowed): old predictions ${side} ${to} are outside the new range (smoke tests fail, monitoring flags them)`);
  });
}

function versionNotes(before: FeatureContract, after: FeatureContract, changed: boolean): string[] {
  const from = before.feature_schema_version;
  const to = after.feature_schema_version;
  if (to < from) return [`feature_schema_version goes down from ${from} to ${to}: versions number a contract's revisions in order, so the new one takes a higher number`];
  if (changed && to === from) {
    return [`feature_schema_version is ${from} in both: rows stamped with it could come from either contract; give the new one a higher number`];
  }
  return [];
}

/** Whether the new contract's compatible_versions agree with what the changes allow. */
function readableVersionChecks(before: FeatureContract, after: FeatureContract, compatibility: Compatibility, notes: string[]): { notes: string[]; problems: string[] } {
  const from = before.feature_schema_version;
  if (from === after.feature_schema_version) return { notes, problems: [] };
  const reads = compatibility === 'FULL' || compatibility === 'BACKWARD';
  const listed = after.compatible_versions?.includes(from) === true;
  if (listed && !reads) {
    return { notes, problems: [`compatible_versions lists ${from}, but the new contract does not read every row written under it (${compatibility}): take ${from} out of it`] };
  }
  return { notes, problems: [] };
}

/** Every change from `before` (OLD) to `after` (NEW), each with its compatibility, and their meet. */
export function compareContracts(before: FeatureContract, after: FeatureContract): ContractComparison {
  if (before.model !== after.model) {
    throw new ContractComparisonError(
      `the contracts describe different models ("${before.model}" and "${after.model}"): compare two versions of one model's contract`,
    );
  }
  const renames = likelyRenames(before.features, after.features);
  const oldByName = new Map(before.features.map((spec) => [spec.name, spec]));
  const newNames = new Set(after.features.map((spec) => spec.name));
  const renamedFrom = new Map([...renames].map(([oldName, spec]) => [spec.name, oldByName.get(oldName) as FeatureSpec]));
  const perFeature = after.features.flatMap((spec): ContractChange[] => {
    const previous = oldByName.get(spec.name);
    if (previous !== undefined) return featureChanges(previous, spec);
    const renamedSpec = renamedFrom.get(spec.name);
    return renamedSpec === undefined ? [added(spec)] : [renamed(renamedSpec, spec)];
  });
  const removals = before.features.filter((spec) => !newNames.has(spec.name) && !renames.has(spec.name)).map(removed);
  const changes = [...columnChanges(before, after), ...predictionRangeChanges(before, after), ...perFeature, ...removals, ...moves(before, after, renames)];
  const compatibility = compatibilityOf({ backward: changes.every((c) => c.backward), forward: changes.every((c) => c.forward) });
  return { compatibility, changes, ...readableVersionChecks(before, after, compatibility, versionNotes(before, after, changes.length > 0)) };
}
