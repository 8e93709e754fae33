import assert from 'node:assert/strict';
import { parseContract, featureOrder } from '../../../src/domain/contract/contract.js';
import { demoContract, weekendDays } from '../../../src/demo/data/contract.js';
import { generateDemo, type DemoDay, type DemoOptions } from '../../../src/demo/data/generate.js';
import { trainDemoModel } from '../../../src/demo/data/model.js';
import { createRandom, deriveSeed } from '../../../src/demo/data/random.js';
import { coerceRow } from '../../../src/domain/model/coerce.js';
import { predict } from '../../../src/domain/model/predict.js';

const options: DemoOptions = { seed: 11, startDate: '2024-03-04', days: 14, rowsPerDay: 800, driftFromDay: 7 };
const dayMs = 86_400_000;
const contract = parseContract(demoContract());
const names = featureOrder(contract);
const col = (name: string): number => names.indexOf(name);

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function numbers(day: DemoDay, feature: string): number[] {
  return day.records.map((record) => record.features[col(feature)]).filter((value): value is number => typeof value === 'number');
}

describe('demo data generator', () => {
  const demo = generateDemo(options);
  const days = [...demo.days()];

  it('has a valid contract for the demand model', () => {
    assert.equal(contract.model, 'demand');
    assert.equal(contract.feature_schema_version, 1);
    assert.deepEqual(contract.prediction_range, { min: 0, max: 500 });
    assert.deepEqual(demo.features, names);
  });

  it('seeds a reproducible PRNG', () => {
    const a = createRandom(deriveSeed(5, 1));
    const b = createRandom(deriveSeed(5, 1));
    const c = createRandom(deriveSeed(5, 2));
    const draws = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(Array.from({ length: 5 }, () => b.next()), draws);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), draws);
    const normals = Array.from({ length: 20_000 }, () => a.normal(3, 2));
    assert.ok(Math.abs(mean(normals) - 3) < 0.05);
  });

  it('gives identical output for the same seed, and different output for another', () => {
    const again = generateDemo(options);
    assert.deepEqual(again.baseline, demo.baseline);
    assert.deepEqual([...again.days()], days);
    const other = generateDemo({ ...options, seed: 12 });
    assert.notDeepEqual(other.baseline.slice(0, 10), demo.baseline.slice(0, 10));
  });

  it('streams days one at a time, each reproducible on its own', () => {
    const iterator = generateDemo(options).days();
    const first = iterator.next();
    assert.equal(first.done, false);
    assert.deepEqual(first.value, days[0]);
    assert.deepEqual(demo.day(9), days[9]);
    assert.equal(days.length, 14);
    assert.deepEqual(
      days.map((day) => day.date).slice(0, 3),
      ['2024-03-04', '2024-03-05', '2024-03-06'],
    );
  });

  it('puts the baseline before the start date, with labels', () => {
    assert.equal(demo.baseline.length, 2000);
    const start = Date.parse('2024-03-04T00:00:00Z');
    for (const row of demo.baseline) {
      const time = Date.parse(row.event_time);
      assert.ok(time < start && time >= start - 28 * dayMs, row.event_time);
      assert.ok(Number.isFinite(row.label) && row.label >= 0);
      assert.ok(coerceRow(contract.features, row.features).ok, `baseline row ${row.record_id} is not clean`);
    }
  });

  it('gives stable unique record ids and event times within the day', () => {
    const ids = new Set<string>();
    for (const day of days) {
      const start = Date.parse(`${day.date}T00:00:00Z`);
      day.records.forEach((record, i) => {
        assert.equal(record.record_id, `d${day.day}-${i}`);
        ids.add(record.record_id);
        const time = Date.parse(record.event_time);
        assert.ok(time >= start && time < start + dayMs, record.event_time);
        assert.match(record.event_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      });
      // day_of_week follows the date: 0 = Monday.
      const expected = (new Date(start).getUTCDay() + 6) % 7;
      assert.ok(day.records.every((record) => record.features[col('day_of_week')] === expected || day.malformed.some((m) => m.record_id === record.record_id)));
    }
    assert.equal(ids.size, 14 * 800);
  });

  it('delays every label by 1 to 7 days', () => {
    for (const day of days) {
      assert.equal(day.labels.length, day.records.length);
      day.labels.forEach((label, i) => {
        const record = day.records[i]!;
        assert.equal(label.record_id, record.record_id);
        const delay = Date.parse(label.label_time) - Date.parse(record.event_time);
        assert.ok(delay >= 1 * dayMs && delay <= 7 * dayMs, `delay ${delay / dayMs} days`);
      });
    }
    const delays = days.flatMap((day) => day.labels.map((label, i) => Date.parse(label.label_time) - Date.parse(day.records[i]!.event_time)));
    assert.ok(Math.min(...delays) < 1.2 * dayMs && Math.max(...delays) > 6.8 * dayMs, 'delays should spread over the range');
  });

  it('shifts temperature and footfall from driftFromDay on, and not before', () => {
    const baselineTemperature = mean(demo.baseline.map((row) => row.features[col('temperature')] as number));
    for (const day of days) {
      const temperature = mean(numbers(day, 'temperature'));
      const shift = temperature - baselineTemperature;
      if (day.day < options.driftFromDay) {
        assert.equal(day.drifted, false);
        assert.ok(Math.abs(shift) < 1.5, `day ${day.day}: temperature shift ${shift}`);
      } else {
        assert.equal(day.drifted, true);
        assert.ok(Math.abs(shift - 8) < 1.5, `day ${day.day}: temperature shift ${shift}`);
      }
    }
    // Footfall x1.4: compare the same weekday a week apart (before and after drift).
    const ratio = mean(numbers(days[8]!, 'footfall')) / mean(numbers(days[1]!, 'footfall'));
    assert.ok(Math.abs(ratio - 1.4) < 0.1, `footfall ratio ${ratio}`);
  });

  it('widens the weekend/weekday error gap after drift (bias drift)', () => {
    const artifact = trainDemoModel(demo.baseline, { trainedAt: '2024-03-04T00:00:00Z' });
    const rmse = (selected: DemoDay[]): number => {
      let squared = 0;
      let n = 0;
      for (const day of selected) {
        const clean = day.records.map((record, i) => ({ record, label: day.labels[i]!.label })).filter(({ record }) => coerceRow(artifact.encoding, record.features).ok);
        const predictions = predict(artifact, clean.map(({ record }) => record.features));
        clean.forEach(({ label }, i) => {
          squared += (predictions[i]! - label) ** 2;
          n++;
        });
      }
      return Math.sqrt(squared / n);
    };
    const weekend = (day: DemoDay): boolean => weekendDays.includes((new Date(`${day.date}T00:00:00Z`).getUTCDay() + 6) % 7);
    const before = days.filter((day) => !day.drifted);
    const after = days.filter((day) => day.drifted);
    const gapBefore = rmse(before.filter(weekend)) - rmse(before.filter((day) => !weekend(day)));
    const gapAfter = rmse(after.filter(weekend)) - rmse(after.filter((day) => !weekend(day)));
    assert.ok(Math.abs(gapBefore) < 5, `gap before drift ${gapBefore}`);
    assert.ok(gapAfter > 30, `gap after drift ${gapAfter}`);
  });

  it('makes about 0.5% of production records malformed, in documented ways', () => {
    const malformed = days.flatMap((day) => day.malformed);
    const total = days.reduce((sum, day) => sum + day.records.length, 0);
    assert.ok(malformed.length > 0.002 * total && malformed.length < 0.01 * total, `${malformed.length} of ${total}`);
    assert.ok(malformed.some((m) => m.kind === 'non_numeric') && malformed.some((m) => m.kind === 'missing_required'));
    const byId = new Map(days.flatMap((day) => day.records.map((record) => [record.record_id, record] as const)));
    for (const m of malformed) {
      const record = byId.get(m.record_id)!;
      const spec = contract.features[col(m.feature)]!;
      assert.equal(record.features[col(m.feature)], m.value);
      if (m.kind === 'non_numeric') {
        assert.equal(spec.type, 'float');
        assert.ok(!coerceRow(contract.features, record.features).ok);
      } else {
        assert.equal(m.value, null);
        assert.equal(spec.default, undefined);
      }
    }
  });

  it('keeps clean predictions of the baseline model inside the prediction range', () => {
    const artifact = trainDemoModel(demo.baseline, { trainedAt: '2024-03-04T00:00:00Z' });
    const rows = days.flatMap((day) => day.records.map((record) => record.features)).filter((row) => coerceRow(artifact.encoding, row).ok);
    const predictions = predict(artifact, rows);
    assert.ok(Math.min(...predictions) > 0 && Math.max(...predictions) < 500);
  });

  it('rejects bad options', () => {
    assert.throws(() => generateDemo({ ...options, startDate: '2024-02-30' }), /valid YYYY-MM-DD/);
    assert.throws(() => generateDemo({ ...options, rowsPerDay: 0 }), /rowsPerDay/);
  });
});
