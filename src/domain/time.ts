// Lengths of time in milliseconds, the unit of Date arithmetic. Days are UTC days: windows and
// schedules are planned in UTC, where every day has exactly 24 hours.

export const secondMs = 1_000;
export const minuteMs = 60 * secondMs;
export const hourMs = 60 * minuteMs;
export const dayMs = 24 * hourMs;
