// The record validator must decide every record as the SQL quarantine decides its row: generated
// records (valid ones, malformed numbers, blank and missing fields, wrong types, odd booleans,
// unicode, huge strings, nested values, extra fields) are written as JSON lines, loaded by DuckDB as
// the production log (all text columns, or typed DOUBLE/BOOLEAN columns where the values fit), and
// run through the real window-rows and quarantine SQL, one batch per run.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type FeatureContract, type FeatureType, parseContract, schemaVersionColumn } from '../../../../src/domain/contract/contract.js';
import { type RecordVerdict, recordValidator } from '../../../../src/domain/contract/validate-record.js';
import { featureColumn, withCtes } from '../../../../src/domain/sql/query-input.js';
import { quarantineSql, windowRowsCte } from '../../../../src/domain/sql/monitoring-queries.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import { inputOf, testWindow } from '../../../support/warehouse-fixtures.js';

const seed = Number(process.env['VIGIL_PARITY_SEED'] ?? '20261206');
const batches = 10;
const recordsPerBatch = 1000;

/** Marks a field left out of the record. */
const absent = Symbol('absent');
type Generated = unknown;

const malformedNumbers = [
  '12,50', 'n/a', '1e999', '-1e999', 'NaN', 'nan', 'Infinity', '-inf', '0x1F', '1_000', ' 12 ', '+-1', '1e5', '.5', '5.', '-0', '3.0',
  '3.5', '1e-999', '+.5e-3', '1e0000000000000000001', '00012', '1E5', '−1', '１２', '٣', '12\n', '\t12', '\u00a012', '1e', '.', '-', 'e5',
  '1.2.3', '9007199254740993', `1${'0'.repeat(400)}`, `0.${'0'.repeat(400)}1`, `${'9'.repeat(5000)}x`, '1.5e+3', '5e-324', '1e308',
];
const boolWords = ['yes', 'no', '0', '1', 't', 'f', 'TRUE', 'False', 'on', 'off', 'y', 'n', ' Yes ', '\ttrue', 'true\n', 'YES', 'nO', 'truee', '1.0', '01'];
const blanks = ['', ' ', '   ', '\t', '\n', ' \t ', '\u00a0', '\u3000'];

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const binaryText = fc.string({ unit: 'binary', maxLength: 30 });
const hugeText = fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 5 }), fc.integer({ min: 30, max: 3000 })).map(([s, n]) => s.repeat(n));
const nested = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), { maxKeys: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), { maxLength: 4 }),
);
const numberAsText = fc.tuple(finiteDouble, fc.integer({ min: 0, max: 5 }), fc.constantFrom('', ' ', '  ')).map(([n, style, pad]) => {
  const text = style === 0 ? n.toExponential() : style === 1 && Math.abs(n) < 1e21 ? n.toFixed(3) : style === 2 ? n.toExponential(2).toUpperCase() : String(n);
  return `${pad}${text}${pad}`;
});
const integer = fc.integer({ min: -1_000_000, max: 1_000_000 });

/** Anything a JSON field can hold. */
const anyValue: fc.Arbitrary<Generated> = fc.oneof(
  fc.constant(null),
  fc.constant(absent),
  fc.boolean(),
  finiteDouble,
  integer,
  fc.constantFrom(...malformedNumbers, ...boolWords, ...blanks),
  binaryText,
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  hugeText,
  nested,
);

function goodValue(type: FeatureType): fc.Arbitrary<Generated> {
  switch (type) {
    case 'float':
      return fc.oneof(finiteDouble, numberAsText, integer, integer.map(String));
    case 'int':
      return fc.oneof(integer, integer.map(String), integer.map((n) => `${n}.0`), integer.map((n) => ` ${n} `));
    case 'bool':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes', 'no', '1', '0', 'TRUE', ' No '), fc.constantFrom(0, 1));
    case 'category':
      return fc.oneof(fc.constantFrom('north', 'south', ' west ', 'é'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }));
  }
}

/** A value that a typed column of the feature can hold: numbers (or booleans) and nulls only. */
function typedValue(type: FeatureType): fc.Arbitrary<Generated> {
  const none = fc.constantFrom<Generated>(null, absent);
  switch (type) {
    case 'float':
      return fc.oneof({ weight: 4, arbitrary: finiteDouble }, { weight: 2, arbitrary: integer }, { weight: 1, arbitrary: none });
    case 'int':
      return fc.oneof({ weight: 4, arbitrary: integer }, { weight: 2, arbitrary: finiteDouble }, { weight: 1, arbitrary: none });
    case 'bool':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: none });
    case 'category':
      return featureValue(type);
  }
}

function featureValue(type: FeatureType): fc.Arbitrary<Generated> {
  return fc.oneof({ weight: 12, arbitrary: goodValue(type) }, { weight: 1, arbitrary: anyValue });
}

const defaults: Record<FeatureType, fc.Arbitrary<number | string | boolean | undefined>> = {
  float: fc.constantFrom(undefined, undefined, 15, -2.5, '7', ' 2.5 ', 0),
  int: fc.constantFrom(undefined, undefined, 0, 3, '12', -4),
  bool: fc.constantFrom(undefined, undefined, true, false, 'true', 'false'),
  category: fc.constantFrom(undefined, undefined, 'unknown', ' padded ', 7, true),
};

/** Version 1 alone, or version 3 that also reads rows of version 1 (not 2). */
const versions = fc.constantFrom({ feature_schema_version: 1 }, { feature_schema_version: 3, compatible_versions: [1] });

const contractArbitrary: fc.Arbitrary<FeatureContract> = fc
  .tuple(fc.array(fc.constantFrom<FeatureType>('float', 'int', 'bool', 'category'), { minLength: 1, maxLength: 6 }), versions)
  .chain(([types, version]) => fc.tuple(fc.constant(version), ...types.map((type) => defaults[type].map((fallback) => ({ type, fallback })))))
  .map(([version, ...specs]) =>
    parseContract({
      model: 'parity',
      ...version,
      features: specs.map(({ type, fallback }, index) => ({ name: `f${index}_${type}`, type, ...(fallback === undefined ? {} : { default: fallback }) })),
    }),
  );

/** A stamped contract version: ones the contract reads, ones it does not, and odd spellings. */
function schemaVersionValue(typed: boolean): fc.Arbitrary<Generated> {
  if (typed) return fc.constantFrom<Generated>(1, 2, 3, 0, null, absent);
  return fc.oneof(fc.constantFrom<Generated>(1, 2, 3, '1', ' 3 ', '2', '01', '1.0', 1.5, '', '  ', null, absent, 'v1', { v: 1 }, true), binaryText);
}

/** The i-th record's event time: a distinct instant of the window in one of the ISO forms, or one no window holds. */
function eventTimeValue(index: number): fc.Arbitrary<Generated> {
  const instant = Date.parse(testWindow.start) + index * 37_000;
  const clock = (offsetMinutes: number): [string, string] => {
    const iso = new Date(instant + offsetMinutes * 60_000).toISOString();
    return [iso.slice(0, 10), iso.slice(11, 19)];
  };
  const zone = fc.constantFrom('Z', '', '+02:00', '-0530', '+01', '+00:00', '-11:30');
  const placed = fc.tuple(zone, fc.constantFrom('T', ' '), fc.stringMatching(/^(\.\d{0,9})?$/), fc.constantFrom('', ' ', '  ')).map(([z, sep, fraction, pad]) => {
    const sign = z.startsWith('-') ? -1 : 1;
    const digits = z.replace(/[^0-9]/g, '');
    const offset = z === 'Z' || z === '' ? 0 : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    const [date, time] = clock(offset);
    return `${pad}${date}${sep}${time}${fraction}${z}${pad}`;
  });
  const unplaced = fc.constantFrom<Generated>(null, absent, '', '   ', 'not a time', '2024-02-30T00:00:00Z', '2024-06-03T00:00:60Z', index, '2024-06-03T01:30Z', { t: 1 });
  return fc.oneof({ weight: 15, arbitrary: placed }, { weight: 1, arbitrary: unplaced });
}

function recordIdValue(index: number): fc.Arbitrary<Generated> {
  const odd = fc.constantFrom<Generated>(null, absent, '', '  ', ` r${index} `, index, { id: index }, `\tr${index}`, `ré${index}`);
  return fc.oneof({ weight: 15, arbitrary: fc.constant(`r${index}`) }, { weight: 2, arbitrary: odd }, { weight: 1, arbitrary: binaryText });
}

interface Batch {
  contract: FeatureContract;
  typed: boolean;
  /** The log has a feature_schema_version column (and records carry one). */
  stamped: boolean;
  records: Record<string, unknown>[];
}

function recordArbitrary(contract: FeatureContract, typed: boolean, stamped: boolean, index: number): fc.Arbitrary<Record<string, unknown>> {
  const cols = contract.columns;
  const reserved = new Set([...Object.values(cols), ...contract.features.map((f) => f.name)]);
  const extraKey = fc.oneof(fc.constantFrom('extra', 'F0_FLOAT', 'Record_Id', 'note', 'f0_Float'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }));
  const prediction = typed
    ? fc.oneof(finiteDouble, integer, fc.constantFrom<Generated>(null, absent))
    : fc.oneof({ weight: 5, arbitrary: finiteDouble }, { weight: 2, arbitrary: numberAsText }, { weight: 2, arbitrary: anyValue });
  const modelVersion = fc.oneof(fc.constantFrom<Generated>('v1', ' v2 ', '', '  ', null, absent, 7, { v: 1 }), binaryText);
  const fields: [string, fc.Arbitrary<Generated>][] = [
    [cols.record_id, recordIdValue(index)],
    [cols.event_time, eventTimeValue(index)],
    ...contract.features.map((f): [string, fc.Arbitrary<Generated>] => [f.name, typed ? typedValue(f.type) : featureValue(f.type)]),
    [cols.prediction, prediction],
    [cols.model_version, modelVersion],
    ...(stamped ? [[schemaVersionColumn, schemaVersionValue(typed)] as [string, fc.Arbitrary<Generated>]] : []),
  ];
  return fc
    .tuple(fc.dictionary(extraKey.filter((k) => !reserved.has(k)), anyValue, { maxKeys: 3 }), ...fields.map(([, arbitrary]) => arbitrary))
    .map(([extra, ...values]) => {
      const record: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(extra)) if (value !== absent) record[key] = value;
      fields.forEach(([name], i) => {
        if (values[i] !== absent) record[name] = values[i];
      });
      return record;
    });
}

const batchArbitrary = (typed: boolean): fc.Arbitrary<Batch> =>
  fc.tuple(contractArbitrary, fc.boolean()).chain(([contract, stamped]) =>
    fc
      .tuple(...Array.from({ length: recordsPerBatch }, (_, i) => recordArbitrary(contract, typed, stamped, i)))
      .map((records) => ({ contract, typed, stamped, records })),
  );

function columnTypes(batch: Batch): Record<string, string> {
  const cols = batch.contract.columns;
  const numeric = (type: FeatureType): string => (type === 'bool' ? 'BOOLEAN' : type === 'category' ? 'VARCHAR' : 'DOUBLE');
  return {
    [cols.record_id]: 'VARCHAR',
    [cols.event_time]: 'VARCHAR',
    ...Object.fromEntries(batch.contract.features.map((f) => [f.name, batch.typed ? numeric(f.type) : 'VARCHAR'])),
    [cols.prediction]: batch.typed ? 'DOUBLE' : 'VARCHAR',
    [cols.model_version]: 'VARCHAR',
    ...(batch.stamped ? { [schemaVersionColumn]: batch.typed ? 'INTEGER' : 'VARCHAR' } : {}),
  };
}

interface SqlOutcome {
  window: Map<string, Row>;
  reasons: Map<string, string>;
  invalidRows: number;
}

async function runSql(warehouse: DuckDbWarehouse, dir: string, batch: Batch): Promise<SqlOutcome> {
  const file = join(dir, 'log.ndjson');
  await writeFile(file, batch.records.map((record) => JSON.stringify(record)).join('\n') + '\n');
  const input = inputOf(batch.contract);
  if (batch.stamped) input.tables = { ...input.tables, stampedSources: ['productionLog'] };
  const types = Object.entries(columnTypes(batch)).map(([name, type]) => `'${name}': '${type}'`);
  await warehouse.execute(
    `CREATE OR REPLACE TABLE "${input.tables.productionLog}" AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${types.join(', ')}})`,
  );
  const features = batch.contract.features.map((f) => `"${featureColumn.value(f.name)}"`);
  const windowSql = withCtes(
    [windowRowsCte(input)],
    `SELECT raw_event_time, record_id, event_time, prediction, model_version, is_valid, ${features.join(', ')} FROM window_source`,
  );
  const window = new Map<string, Row>();
  for (const row of (await warehouse.query(windowSql)).rows) {
    const key = String(row['raw_event_time']);
    assert.ok(!window.has(key), `two window rows have the event time ${key}`);
    window.set(key, row);
  }
  const quarantined = (await warehouse.query(quarantineSql(input, { quarantinedAt: '2024-06-20T00:00:00Z' }).select.sql)).rows;
  const reasons = new Map<string, string>();
  for (const row of quarantined) {
    const raw = JSON.parse(String(row['raw_record'])) as Record<string, unknown>;
    reasons.set(String(raw[batch.contract.columns.event_time]), String(row['reason']));
  }
  return { window, reasons, invalidRows: quarantined.length };
}

/** What the SQL decided for a record, in the verdict's terms; undefined when no window holds it. */
function sqlVerdict(contract: FeatureContract, row: Row | undefined, reason: string | undefined): unknown {
  if (row === undefined) return undefined;
  if (row['is_valid'] !== true) return { valid: false, reason };
  return {
    valid: true,
    row: {
      record_id: row['record_id'],
      event_time: row['event_time'],
      prediction: row['prediction'],
      model_version: row['model_version'],
      features: Object.fromEntries(contract.features.map((f) => [f.name, row[featureColumn.value(f.name)]])),
    },
  };
}

function tsVerdict(verdict: RecordVerdict): unknown {
  if (verdict.valid) return verdict;
  return verdict.eventTime === null ? undefined : { valid: false, reason: verdict.reason };
}

/** A failure's seed and mismatching records only: the whole batch would bury them. */
function briefReport(details: fc.RunDetails<[Batch]>): Promise<void> {
  if (!details.failed) return Promise.resolve();
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`parity failed (seed ${details.seed}, path ${details.counterexamplePath ?? '?'}; rerun with VIGIL_PARITY_SEED=${seed}):\n${cause}`);
}

describe('record validator parity with the SQL quarantine (DuckDB)', () => {
  let warehouse: DuckDbWarehouse;
  let dir: string;
  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    await warehouse.ensureResultTables();
    dir = await mkdtemp(join(tmpdir(), 'vigil-parity-'));
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function decideAlike(batch: Batch): Promise<void> {
    const sql = await runSql(warehouse, dir, batch);
    const validator = recordValidator(batch.contract);
    const eventTimeKey = (record: Record<string, unknown>): string | undefined => {
      const value = record[batch.contract.columns.event_time];
      return typeof value === 'string' ? value : undefined;
    };
    const mismatches: string[] = [];
    let placed = 0;
    let placedInvalid = 0;
    batch.records.forEach((record, index) => {
      const key = eventTimeKey(record);
      const row = key === undefined ? undefined : sql.window.get(key);
      if (row !== undefined) placed += 1;
      if (row !== undefined && row['is_valid'] !== true) placedInvalid += 1;
      const expected = sqlVerdict(batch.contract, row, key === undefined ? undefined : sql.reasons.get(key));
      const actual = tsVerdict(validator.validate(record));
      try {
        assert.deepStrictEqual(actual, expected);
      } catch {
        mismatches.push(`record ${index} ${JSON.stringify(record)}\n  sql: ${JSON.stringify(expected)}\n  ts:  ${JSON.stringify(actual)}`);
      }
    });
    assert.equal(placed, sql.window.size, 'every window row is one generated record');
    assert.equal(sql.invalidRows, placedInvalid, 'the quarantine holds the invalid window rows');
    const columns = `${batch.typed ? 'typed' : 'text'}${batch.stamped ? ', stamped' : ''}`;
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${batch.records.length} records decided differently (${columns} columns, features ${JSON.stringify(batch.contract.features)})`);
  }

  for (const typed of [false, true]) {
    const runs = batches / 2;
    it(`decides ${runs * recordsPerBatch} records as the SQL does on ${typed ? 'typed DOUBLE/BOOLEAN' : 'text'} columns: validity, reason, values (seed ${seed})`, async () => {
      // No shrinking: a failing batch already names its records, and each try would rerun the SQL.
      await fc.assert(fc.asyncProperty(batchArbitrary(typed), decideAlike), { seed, numRuns: runs, endOnFailure: true, asyncReporter: briefReport });
    });
  }
});
