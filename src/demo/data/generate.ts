// Generates the demo's data: a labelled baseline from before the start date, then one day of
// production records at a time (with delayed labels), drifting from a chosen day on. Every day
// has its own seeded stream, so any day can be produced alone and always comes out the same.
import { dayMs } from '../../domain/time.js';
import { demoContract } from './contract.js';
import type { DemoValue } from './demo-value.js';
import { corrupt, type Malformation } from './malformed.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import { sampleDemand, sampleFeatures, type DemoFeatures } from './scenario.js';

export type { DemoValue } from './demo-value.js';

export interface DemoOptions {
  seed: number;
  /** First production day, YYYY-MM-DD (UTC). */
  startDate: string;
  /** Number of production days. */
  days: number;
  rowsPerDay: number;
  /** Day index (0 = startDate) from which drift applies; >= days for none. */
  driftFromDay: number;
  /** Labelled baseline rows, spread over the baselineDays before startDate. Default 2000. */
  baselineRows?: number;
  /** Default 28 (four full weeks, so weekdays and weekends are balanced). */
  baselineDays?: number;
  /** Share of production records made malformed (see malformed.ts). Default 0.005. */
  malformedRate?: number;
}

export interface DemoRecord {
  record_id: string;
  /** ISO-8601 UTC. */
  event_time: string;
  /** Values in contract feature order, as received (malformed ones included). */
  features: DemoValue[];
}

export interface DemoBaselineRow extends DemoRecord {
  label: number;
}

export interface DemoLabel {
  record_id: string;
  label: number;
  /** event_time plus 1 to 7 days. */
  label_time: string;
}

export interface DemoDay {
  day: number;
  date: string;
  drifted: boolean;
  records: DemoRecord[];
  labels: DemoLabel[];
  malformed: Malformation[];
}

export interface Demo {
  features: string[];
  baseline: DemoBaselineRow[];
  /** Production days in order, generated one at a time. */
  days(): Generator<DemoDay, void, undefined>;
  day(index: number): DemoDay;
}

function parseDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const time = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
    throw new Error(`startDate must be a valid YYYY-MM-DD date, got "${date}"`);
  }
  return time;
}

/** 0 = Monday ... 6 = Sunday. */
function dayOfWeek(time: number): number {
  return (new Date(time).getUTCDay() + 6) % 7;
}

function positiveInteger(name: string, value: number, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name} must be an integer >= ${allowZero ? 0 : 1}, got ${value}`);
  }
}

function ordered(names: readonly string[], features: DemoFeatures): DemoValue[] {
  return names.map((name) => features[name as keyof DemoFeatures]);
}

export function generateDemo(options: DemoOptions): Demo {
  const start = parseDate(options.startDate);
  positiveInteger('days', options.days, true);
  positiveInteger('rowsPerDay', options.rowsPerDay);
  const baselineRows = options.baselineRows ?? 2000;
  const baselineDays = options.baselineDays ?? 28;
  positiveInteger('baselineRows', baselineRows);
  positiveInteger('baselineDays', baselineDays);
  const malformedRate = options.malformedRate ?? 0.005;
  const names = demoContract().features.map((feature) => feature.name);

  const sample = (random: Random, time: number, drifted: boolean): { features: DemoFeatures; label: number } => {
    const features = sampleFeatures(random, dayOfWeek(time), drifted);
    return { features, label: sampleDemand(random, features, drifted) };
  };

  const baseline: DemoBaselineRow[] = [];
  const baselineRandom = createRandom(deriveSeed(options.seed, 0));
  const baselineStart = start - baselineDays * dayMs;
  for (let i = 0; i < baselineRows; i++) {
    const time = Math.floor(baselineStart + ((i + baselineRandom.next()) / baselineRows) * baselineDays * dayMs);
    const { features, label } = sample(baselineRandom, time, false);
    baseline.push({ record_id: `b${i}`, event_time: new Date(time).toISOString(), features: ordered(names, features), label });
  }

  const day = (index: number): DemoDay => {
    positiveInteger('day', index, true);
    const random = createRandom(deriveSeed(options.seed, 1, index));
    const dayStart = start + index * dayMs;
    const drifted = index >= options.driftFromDay;
    const records: DemoRecord[] = [];
    const labels: DemoLabel[] = [];
    const malformed: Malformation[] = [];
    for (let i = 0; i < options.rowsPerDay; i++) {
      const time = Math.floor(dayStart + ((i + random.next()) / options.rowsPerDay) * dayMs);
      const recordId = `d${index}-${i}`;
      const { features, label } = sample(random, time, drifted);
      const values = ordered(names, features);
      if (random.chance(malformedRate)) malformed.push(corrupt(random, recordId, names, values));
      records.push({ record_id: recordId, event_time: new Date(time).toISOString(), features: values });
      const delay = Math.floor(random.uniform(1, 7) * dayMs);
      labels.push({ record_id: recordId, label, label_time: new Date(time + delay).toISOString() });
    }
    return { day: index, date: new Date(dayStart).toISOString().slice(0, 10), drifted, records, labels, malformed };
  };

  return {
    features: names,
    baseline,
    day,
    *days() {
      for (let index = 0; index < options.days; index++) yield day(index);
    },
  };
}
