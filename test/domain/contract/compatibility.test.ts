// Contract evolution rules: each change's direction flags and reason, and their meet.
import assert from 'node:assert/strict';
import { canonicalContractJson, canonicalJson } from '../../../src/domain/contract/canonical-json.js';
import { compareContracts, ContractComparisonError, type ContractChange } from '../../../src/domain/contract/compatibility.js';
import { parseContract, type FeatureContract, type FeatureContractJson } from '../../../src/domain/contract/contract.js';

type FeatureJson = FeatureContractJson['features'][number];

const price: FeatureJson = { name: 'price', type: 'float', min: 0, max: 100 };
const promo: FeatureJson = { name: 'promo', type: 'bool', default: false };
const store: FeatureJson = { name: 'store_type', type: 'category', categories: ['mall', 'street'] };
const weekday: FeatureJson = { name: 'day_of_week', type: 'int', min: 0, max: 6, calendar: 'weekday' };

function contract(features: FeatureJson[], extra: Partial<FeatureContractJson> = {}): FeatureContract {
  return parseContract({ model: 'demand', feature_schema_version: 1, features, ...extra });
}

const v1 = contract([price, promo, store, weekday]);

/** The one change between v1 and a contract with these features (version 2), and the verdict. */
function only(features: FeatureJson[], extra: Partial<FeatureContractJson> = {}, from: FeatureContract = v1): ContractChange & { compatibility: string } {
  const comparison = compareContracts(from, contract(features, { feature_schema_version: 2, ...extra }));
  assert.equal(comparison.changes.length, 1, JSON.stringify(comparison.changes, null, 2));
  assert.deepEqual(comparison.notes, []);
  return { ...(comparison.changes[0] as ContractChange), compatibility: comparison.compatibility };
}

function flags(entry: ContractChange): [boolean, boolean] {
  return [entry.backward, entry.forward];
}

describe('contract compatibility', () => {
  it('finds no change between a contract and itself, however it is spelled: FULL', () => {
    const respelled = parseContract({
      features: [weekday, store, promo, price].reverse().map((spec) => Object.fromEntries(Object.entries(spec).reverse())),
      columns: { record_id: 'record_id' },
      feature_schema_version: 1,
      model: 'demand',
    });
    assert.deepEqual(compareContracts(v1, respelled), { compatibility: 'FULL', changes: [], notes: [], problems: [] });
    assert.equal(canonicalContractJson(respelled), canonicalContractJson(v1));
  });

  describe('features added and removed', () => {
    it('a feature added with a default is FULL: new readers fill the default, old readers ignore the column', () => {
      const entry = only([price, promo, store, weekday, { name: 'holiday', type: 'bool', default: false }]);
      assert.equal(entry.kind, 'feature_added');
      assert.equal(entry.feature, 'holiday');
      assert.deepEqual(flags(entry), [true, true]);
      assert.equal(entry.compatibility, 'FULL');
      assert.equal(
        entry.reason,
        'feature "holiday" added with default false: the new contract reads false in rows written before (a baseline from before holds only that value); the old contract ignores the new column',
      );
    });

    it('a feature added without a default is FORWARD: old rows would be quarantined as missing', () => {
      const entry = only([price, promo, store, weekday, { name: 'footfall', type: 'int' }]);
      assert.deepEqual(flags(entry), [false, true]);
      assert.equal(entry.compatibility, 'FORWARD');
      assert.equal(
        entry.reason,
        'feature "footfall" added without a default: rows written under the old contract lack it, so the new contract quarantines every one ("footfall: missing"); the old contract ignores the new column',
      );
    });

    it('a removed feature without a default is BACKWARD: old readers would quarantine every new row', () => {
      const entry = only([price, promo, weekday]);
      assert.equal(entry.kind, 'feature_removed');
      assert.deepEqual(flags(entry), [true, false]);
      assert.equal(entry.compatibility, 'BACKWARD');
      assert.equal(
        entry.reason,
        'feature "store_type" removed: the new contract ignores the column in old rows; the old contract quarantines every new row, which lacks it ("store_type: missing")',
      );
    });

    it('a removed feature that had a default is FULL: old readers read the default', () => {
      const entry = only([price, store, weekday]);
      assert.deepEqual(flags(entry), [true, true]);
      assert.equal(entry.reason, 'feature "promo" removed: the new contract ignores the column in old rows; the old contract reads its default false in every new row');
    });

    it('a removed and an added feature of the same shape are reported as a likely rename: BREAKING', () => {
      const entry = only([price, promo, { name: 'store_kind', type: 'category', categories: ['street', 'mall'] }, weekday]);
      assert.equal(entry.kind, 'feature_renamed');
      assert.equal(entry.feature, 'store_kind');
      assert.deepEqual(flags(entry), [false, false]);
      assert.equal(entry.compatibility, 'BREAKING');
      assert.equal(
        entry.reason,
        'feature "store_type" -> "store_kind" (likely renamed: both category with the same 2 categories): values are found by name, so the new contract reads "store_kind" in old rows as missing (the row is quarantined) and the old contract reads "store_type" in new rows as missing (the row is quarantined)',
      );
    });

    it('a rename between features with defaults names the defaults each side reads', () => {
      const entry = only([price, { name: 'on_promo', type: 'bool', default: true }, store, weekday]);
      assert.equal(
        entry.reason,
        'feature "promo" -> "on_promo" (likely renamed: both bool): values are found by name, so the new contract reads "on_promo" in old rows as its default true and the old contract reads "promo" in new rows as its default false',
      );
    });

    it('pairs renames by shape and position; a removed and an added feature of different shapes stay two changes', () => {
      const comparison = compareContracts(
        v1,
        contract([{ name: 'cost', type: 'float', min: 0, max: 100 }, promo, store, { name: 'weekday_number', type: 'int', min: 1, max: 7 }]),
      );
      assert.deepEqual(
        comparison.changes.map((entry) => [entry.kind, entry.feature]),
        [
          ['feature_renamed', 'cost'],
          ['feature_added', 'weekday_number'],
          ['feature_removed', 'day_of_week'],
        ],
      );
      assert.equal(comparison.compatibility, 'BREAKING');
    });
  });

  describe('order', () => {
    it('a moved feature is BREAKING: the model reads its input by position', () => {
      const entry = only([promo, price, store, weekday]);
      assert.equal(entry.kind, 'feature_moved');
      assert.deepEqual(flags(entry), [false, false]);
      assert.equal(
        entry.reason,
        'feature "promo" moved from position 2 to 1: rows are read by name, but a model\'s input vector is in contract order, so a model trained under one order is given the other\'s vectors with inputs swapped and no error',
      );
    });

    it('an insertion or a removal alone moves nothing; a rename keeps its place', () => {
      const comparison = compareContracts(v1, contract([price, { name: 'footfall', type: 'int', default: 0 }, store, weekday]));
      assert.deepEqual(
        comparison.changes.map((entry) => entry.kind),
        ['feature_added', 'feature_removed'],
      );
      const moved = compareContracts(v1, contract([store, price, promo, weekday]));
      assert.deepEqual(
        moved.changes.map((entry) => [entry.kind, entry.feature]),
        [['feature_moved', 'store_type']],
      );
    });
  });

  describe('types', () => {
    it('int -> float widens (BACKWARD), float -> int narrows (FORWARD)', () => {
      const widened = only([price, promo, store, { ...weekday, type: 'float', calendar: undefined }], {}, contract([price, promo, store, { ...weekday, calendar: undefined }]));
      assert.equal(widened.kind, 'type_widened');
      assert.deepEqual(flags(widened), [true, false]);
      assert.equal(
        widened.reason,
        'feature "day_of_week": int -> float (widened): every old int reads as a float; a new non-integral value is a type error under the old contract',
      );
      const narrowed = only([{ ...price, type: 'int' }, promo, store, weekday]);
      assert.equal(narrowed.kind, 'type_narrowed');
      assert.deepEqual(flags(narrowed), [false, true]);
      assert.equal(
        narrowed.reason,
        'feature "price": float -> int (narrowed): an old non-integral value is a type error under the new contract; every new int reads as a float under the old one',
      );
    });

    it('a category from or to any other type is BREAKING', () => {
      const toCategory = only([price, promo, store, { name: 'day_of_week', type: 'category', calendar: 'weekday' }]);
      assert.equal(toCategory.kind, 'type_changed');
      assert.deepEqual(flags(toCategory), [false, false]);
      assert.equal(
        toCategory.reason,
        'feature "day_of_week": int -> category: a label that is not an int is a type error on the int side, and one int written two ways ("2" and "2.0") is two different categories on the other',
      );
      const fromCategory = only([price, { name: 'promo', type: 'category', default: 'false' }, store, weekday]);
      assert.equal(
        fromCategory.reason,
        'feature "promo": bool -> category: a label that is not a bool is a type error on the bool side, and one bool written two ways ("true" and "yes") is two different categories on the other',
      );
    });

    it('a bool from or to a number is BREAKING', () => {
      const entry = only([price, { name: 'promo', type: 'int', default: 0 }, store, weekday]);
      assert.deepEqual(flags(entry), [false, false]);
      assert.equal(
        entry.reason,
        'feature "promo": bool -> int: "true"/"yes" is not a number and a number other than 0 or 1 is not a bool, so a value of either side can be a type error on the other',
      );
    });
  });

  describe('ranges and categories (out of range is flagged, not quarantined)', () => {
    it('a wider range is BACKWARD, a narrower one FORWARD, one bound at a time', () => {
      const widened = only([{ ...price, max: 200 }, promo, store, weekday]);
      assert.equal(widened.kind, 'range_widened');
      assert.deepEqual(flags(widened), [true, false]);
      assert.equal(
        widened.reason,
        'feature "price": max 100 -> 200 (widened): new values above 100 count as out of range under the old contract (flagged by quality, not quarantined)',
      );
      const narrowed = only([{ ...price, min: 10 }, promo, store, weekday]);
      assert.equal(narrowed.kind, 'range_narrowed');
      assert.deepEqual(flags(narrowed), [false, true]);
      assert.equal(
        narrowed.reason,
        'feature "price": min 0 -> 10 (narrowed): old values below 10 count as out of range under the new contract (flagged by quality, not quarantined)',
      );
      const unbounded = only([{ name: 'price', type: 'float', min: 0 }, promo, store, weekday]);
      assert.equal(unbounded.reason, 'feature "price": max 100 removed (widened): new values above 100 count as out of range under the old contract (flagged by quality, not quarantined)');
      const shifted = compareContracts(v1, contract([{ ...price, min: 50, max: 150 }, promo, store, weekday]));
      assert.equal(shifted.compatibility, 'BREAKING');
      assert.deepEqual(
        shifted.changes.map((entry) => entry.kind),
        ['range_narrowed', 'range_widened'],
      );
    });

    it('a bound added narrows', () => {
      const entry = only([price, promo, store, weekday], {}, contract([{ name: 'price', type: 'float', max: 100 }, promo, store, weekday]));
      assert.equal(entry.reason, 'feature "price": min 0 added (narrowed): old values below 0 count as out of range under the new contract (flagged by quality, not quarantined)');
    });

    it('categories added are BACKWARD, removed FORWARD, both BREAKING; their order does not matter', () => {
      const addedCategory = only([price, promo, { ...store, categories: ['mall', 'street', 'kiosk'] }, weekday]);
      assert.equal(addedCategory.kind, 'categories_added');
      assert.deepEqual(flags(addedCategory), [true, false]);
      assert.equal(
        addedCategory.reason,
        'feature "store_type": category "kiosk" added: every old value is still listed; a new row holding one counts as unseen under the old contract',
      );
      const removedCategory = only([price, promo, { ...store, categories: ['mall'] }, weekday]);
      assert.equal(removedCategory.kind, 'categories_removed');
      assert.deepEqual(flags(removedCategory), [false, true]);
      assert.equal(removedCategory.reason, 'feature "store_type": category "street" removed: an old row holding one counts as unseen under the new contract');
      const swapped = compareContracts(v1, contract([price, promo, { ...store, categories: ['mall', 'outlet', 'kiosk'] }, weekday]));
      assert.equal(swapped.compatibility, 'BREAKING');
      assert.match(swapped.changes[0]?.reason ?? '', /categories "outlet", "kiosk" added/);
      assert.deepEqual(compareContracts(v1, contract([price, promo, { ...store, categories: ['street', 'mall'] }, weekday])).changes, []);
    });

    it('a category list introduced narrows (FORWARD); one dropped widens (BACKWARD)', () => {
      const unlisted = only([price, promo, { name: 'store_type', type: 'category' }, weekday]);
      assert.equal(unlisted.kind, 'categories_unlisted');
      assert.deepEqual(flags(unlisted), [true, false]);
      assert.equal(unlisted.reason, 'feature "store_type": category list removed: a new value not in the old list counts as unseen under the old contract');
      const listed = only([price, promo, store, weekday], {}, contract([price, promo, { name: 'store_type', type: 'category' }, weekday]));
      assert.equal(listed.kind, 'categories_listed');
      assert.deepEqual(flags(listed), [false, true]);
      assert.equal(listed.reason, 'feature "store_type": categories listed (2): an old value not in the list counts as unseen under the new contract');
    });
  });

  describe('defaults', () => {
    it('a default added is BACKWARD, removed FORWARD, changed BREAKING', () => {
      const addedDefault = only([{ ...price, default: 0 }, promo, store, weekday]);
      assert.equal(addedDefault.kind, 'default_added');
      assert.deepEqual(flags(addedDefault), [true, false]);
      assert.equal(
        addedDefault.reason,
        'feature "price": default 0 added: old rows always hold a value; a new row that leaves it out is quarantined by the old contract ("price: missing")',
      );
      const removedDefault = only([price, { name: 'promo', type: 'bool' }, store, weekday]);
      assert.equal(removedDefault.kind, 'default_removed');
      assert.deepEqual(flags(removedDefault), [false, true]);
      assert.equal(
        removedDefault.reason,
        'feature "promo": default false removed: an old row that leaves it out (read as false so far) is quarantined by the new contract ("promo: missing")',
      );
      const changedDefault = only([price, { ...promo, default: true }, store, weekday]);
      assert.equal(changedDefault.kind, 'default_changed');
      assert.deepEqual(flags(changedDefault), [false, false]);
      assert.equal(changedDefault.reason, 'feature "promo": default false -> true: a row that leaves it out reads as false under the old contract and true under the new one');
    });

    it('compares defaults as readers apply them: "false" and false are the same bool default', () => {
      assert.deepEqual(compareContracts(v1, contract([price, { ...promo, default: 'false' }, store, weekday])).changes, []);
    });
  });

  describe('annotations, columns and the prediction range', () => {
    it('calendar and description changes are FULL: rows read the same', () => {
      const comparison = compareContracts(v1, contract([{ ...price, description: 'unit price, EUR' }, promo, store, { ...weekday, calendar: undefined }], { feature_schema_version: 2 }));
      assert.equal(comparison.compatibility, 'FULL');
      assert.deepEqual(
        comparison.changes.map((entry) => [entry.kind, entry.reason]),
        [
          ['description_changed', 'feature "price": description changed: rows read the same'],
          ['calendar_changed', 'feature "day_of_week": calendar weekday removed: drift compares its values differently; rows read the same'],
        ],
      );
    });

    it('a renamed column is BREAKING, with what each side loses', () => {
      const entry = only([price, promo, store, weekday], { columns: { event_time: 'ts' } });
      assert.equal(entry.kind, 'column_renamed');
      assert.equal(entry.feature, undefined);
      assert.deepEqual(flags(entry), [false, false]);
      assert.equal(entry.reason, 'column event_time "event_time" -> "ts": columns are found by name, so for each contract rows written under the other fall in no window');
      const recordId = only([price, promo, store, weekday], { columns: { record_id: 'request_id' } });
      assert.match(recordId.reason, /for each contract rows written under the other are quarantined for a missing record id and their labels no longer join$/);
    });

    it('the prediction range widens (BACKWARD) or narrows (FORWARD)', () => {
      const withRange = contract([price, promo, store, weekday], { prediction_range: { min: 0, max: 500 } });
      const widened = only([price, promo, store, weekday], { prediction_range: { min: 0, max: 800 } }, withRange);
      assert.equal(widened.kind, 'prediction_range_widened');
      assert.deepEqual(flags(widened), [true, false]);
      assert.equal(widened.reason, 'prediction_range: max 500 -> 800 (widened): new predictions above 500 are outside the old range (smoke tests fail, monitoring flags them)');
      const added = compareContracts(v1, withRange);
      assert.deepEqual(
        added.changes.map((entry) => [entry.kind, entry.reason]),
        [
          ['prediction_range_narrowed', 'prediction_range: min 0 added (narrowed): old predictions below 0 are outside the new range (smoke tests fail, monitoring flags them)'],
          ['prediction_range_narrowed', 'prediction_range: max 500 added (narrowed): old predictions above 500 are outside the new range (smoke tests fail, monitoring flags them)'],
        ],
      );
      assert.equal(added.compatibility, 'FORWARD');
    });
  });

  describe('the verdict', () => {
    it('is the meet of every change: BACKWARD and FORWARD changes together are BREAKING', () => {
      const comparison = compareContracts(v1, contract([{ ...price, max: 200 }, promo, { ...store, categories: ['mall'] }, weekday], { feature_schema_version: 2 }));
      assert.deepEqual(
        comparison.changes.map((entry) => entry.kind),
        ['range_widened', 'categories_removed'],
      );
      assert.equal(comparison.compatibility, 'BREAKING');
    });

    it('notes a changed contract that keeps its version, and a version that goes down', () => {
      const same = compareContracts(v1, contract([price, promo, store, weekday, { name: 'holiday', type: 'bool', default: false }]));
      assert.deepEqual(same.notes, ['feature_schema_version is 1 in both: rows stamped with it could come from either contract; give the new one a higher number']);
      const down = compareContracts(contract([price, promo, store, weekday], { feature_schema_version: 3 }), v1);
      assert.deepEqual(down.notes, [
        "feature_schema_version goes down from 3 to 1: versions number a contract's revisions in order, so the new one takes a higher number",
      ]);
    });

    it('finds a contract that lists an earlier version it cannot read, and accepts one it can', () => {
      const breaking = compareContracts(v1, contract([promo, price, store, weekday], { feature_schema_version: 2, compatible_versions: [1] }));
      assert.equal(breaking.compatibility, 'BREAKING');
      assert.deepEqual(breaking.problems, ['compatible_versions lists 1, but the new contract does not read every row written under it (BREAKING): take 1 out of it']);
      const backward = compareContracts(v1, contract([price, promo, store, weekday, { name: 'holiday', type: 'bool', default: false }], { feature_schema_version: 2, compatible_versions: [1] }));
      assert.deepEqual([backward.compatibility, backward.problems], ['FULL', []]);
    });

    it('refuses contracts of different models', () => {
      assert.throws(
        () => compareContracts(v1, parseContract({ model: 'delivery', feature_schema_version: 1, features: [price] })),
        (error: unknown) =>
          error instanceof ContractComparisonError &&
          error.message === 'the contracts describe different models ("demand" and "delivery"): compare two versions of one model\'s contract',
      );
    });
  });

  it('canonical JSON sorts keys, drops undefined members and keeps array order', () => {
    assert.equal(canonicalJson({ b: [2, { d: 1, c: undefined, a: 'x' }], a: null }), '{"a":null,"b":[2,{"a":"x","d":1}]}');
    assert.throws(() => canonicalJson({ a: Number.NaN }), /no form for NaN/);
  });
});
