// The demo's data-generating process: what the features look like, how demand depends on them,
// and what changes once drift starts. Kept apart from the record plumbing so it reads as a story.
import { weekendDays, type StoreType } from './contract.js';
import type { Random } from './random.js';

export interface DemoFeatures {
  price: number;
  competitor_price: number;
  promo: boolean;
  store_type: StoreType;
  day_of_week: number;
  temperature: number;
  footfall: number;
}

/** After drift: warmer weather and more visitors (feature drift)... */
export const driftedTemperatureShift = 8;
export const driftedFootfallFactor = 1.4;
/**
 * ...and weekends selling 70 units more than the old relationship predicts, about 25% (concept and
 * bias drift). Added rather than multiplied: a model with the same features can learn it again, so
 * a retraining on the new regime recovers (a multiplier would need weekend interactions).
 */
export const driftedWeekendExtraDemand = 70;

const storeFootfall: Record<StoreType, number> = { mall: 1200, street: 800, outlet: 500 };
const storeEffect: Record<StoreType, number> = { mall: 20, street: 0, outlet: -15 };

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export function isWeekend(dayOfWeek: number): boolean {
  return weekendDays.includes(dayOfWeek);
}

export function sampleFeatures(random: Random, dayOfWeek: number, drifted: boolean): DemoFeatures {
  const price = round(clamp(random.normal(20, 3), 5, 50), 2);
  const storeType = random.weighted<StoreType>([
    ['mall', 0.4],
    ['street', 0.4],
    ['outlet', 0.2],
  ]);
  const weekendBoost = isWeekend(dayOfWeek) ? 1.3 : 1;
  const footfallFactor = drifted ? driftedFootfallFactor : 1;
  const footfall = storeFootfall[storeType] * weekendBoost * footfallFactor + random.normal(0, 150);
  return {
    price,
    competitor_price: round(clamp(price + random.normal(1, 2), 5, 60), 2),
    promo: random.chance(0.2),
    store_type: storeType,
    day_of_week: dayOfWeek,
    temperature: round(random.normal(15, 6) + (drifted ? driftedTemperatureShift : 0), 1),
    footfall: round(Math.max(0, footfall), 0),
  };
}

/** Units sold: the true relationship, with noise; after drift weekends sell 70 units more. */
export function sampleDemand(random: Random, features: DemoFeatures, drifted: boolean): number {
  const weekend = isWeekend(features.day_of_week);
  let demand =
    70 +
    storeEffect[features.store_type] +
    0.08 * features.footfall -
    4 * (features.price - 20) +
    2.5 * (features.competitor_price - features.price) +
    (features.promo ? 35 : 0) +
    1.2 * (features.temperature - 15) +
    (weekend ? 25 : 0) +
    random.normal(0, 8);
  if (drifted && weekend) demand += driftedWeekendExtraDemand;
  return round(Math.max(0, demand), 2);
}
