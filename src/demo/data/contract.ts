// The demo's feature contract: a retail demand model, units sold per store and day-part.
import type { FeatureContractJson } from '../../domain/contract/contract.js';

export const demoModel = 'demand';
export const storeTypes = ['mall', 'street', 'outlet'] as const;
export type StoreType = (typeof storeTypes)[number];
/** day_of_week values counted as weekend (0 = Monday ... 6 = Sunday). */
export const weekendDays: readonly number[] = [5, 6];

export function demoContract(): FeatureContractJson {
  return {
    model: demoModel,
    feature_schema_version: 1,
    prediction_range: { min: 0, max: 500 },
    features: [
      { name: 'price', type: 'float', min: 0, max: 100, description: 'Shelf price in EUR' },
      { name: 'competitor_price', type: 'float', min: 0, max: 100, description: 'Nearest competitor price in EUR' },
      { name: 'promo', type: 'bool', default: false, description: 'Promotion running' },
      { name: 'store_type', type: 'category', categories: [...storeTypes], description: 'Store format' },
      {
        name: 'day_of_week',
        // A category, not a number: demand depends on the day in ways no single slope captures
        // (the weekend), and one-hot encoding lets the model learn each day on its own.
        type: 'category',
        categories: ['0', '1', '2', '3', '4', '5', '6'],
        // A week-long window holds each weekday once; drift compares rows per day of each weekday.
        calendar: 'weekday',
        description: '0 = Monday ... 6 = Sunday; weekend is 5 and 6',
      },
      { name: 'temperature', type: 'float', min: -30, max: 50, default: 15, description: 'Outside temperature in °C' },
      { name: 'footfall', type: 'float', min: 0, max: 10000, description: 'Visitors counted at the door' },
    ],
  };
}
