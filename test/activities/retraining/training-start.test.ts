// Where a retraining's training window starts: trainingDays before its end, or, with
// `trainingStart: breach`, no earlier than the day the breaches that triggered it began.
import assert from 'node:assert/strict';
import { calendarTrainingDays, trainingStart, weekdayCoverageStart } from '../../../src/activities/retraining/training-window.js';
import { parseContract } from '../../../src/domain/contract/contract.js';

const end = Date.parse('2026-10-28T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('retraining training start', () => {
  it('goes back trainingDays from the end by default, whatever the breaches', () => {
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'window' }, '2026-10-22T00:00:00.000Z')), '2026-10-14T00:00:00.000Z');
  });

  it('starts on the day the breaches began when that is later, and at the start of that day', () => {
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, '2026-10-22T00:00:00.000Z')), '2026-10-22T00:00:00.000Z');
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, '2026-10-22T13:45:00.000Z')), '2026-10-22T00:00:00.000Z');
  });

  it('never reaches further back than trainingDays, and keeps at least the last day', () => {
    assert.equal(iso(trainingStart(end, { trainingDays: 3, trainingStart: 'breach' }, '2026-10-01T00:00:00.000Z')), '2026-10-25T00:00:00.000Z');
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, '2026-10-30T00:00:00.000Z')), '2026-10-27T00:00:00.000Z');
  });

  it('uses trainingDays for a run that was not triggered by breaches', () => {
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, undefined)), '2026-10-14T00:00:00.000Z');
  });

  it('spans a whole week when the contract has a weekday calendar feature, so every weekday is learned', () => {
    // Breaches from Thursday 10-22 to an end on Wednesday 10-28: six days would leave Wednesday out.
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, '2026-10-22T00:00:00.000Z', 7)), '2026-10-21T00:00:00.000Z');
    assert.equal(iso(trainingStart(end, { trainingDays: 14, trainingStart: 'breach' }, '2026-10-15T00:00:00.000Z', 7)), '2026-10-15T00:00:00.000Z');
    assert.equal(iso(trainingStart(end, { trainingDays: 3, trainingStart: 'breach' }, '2026-10-27T00:00:00.000Z', 7)), '2026-10-25T00:00:00.000Z');
    assert.equal(calendarTrainingDays(parseContract({ model: 'm', feature_schema_version: 1, features: [{ name: 'dow', type: 'int', calendar: 'weekday' }] })), 7);
    assert.equal(calendarTrainingDays(parseContract({ model: 'm', feature_schema_version: 1, features: [{ name: 'x', type: 'float' }] })), 1);
  });

  it('reaches back until every weekday has labelled rows: the newest days have few labels yet', () => {
    // Labels as of 10-28: the last day barely labelled, the others well (2026-10-21 is a Wednesday).
    const days = ['2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'].map((day, index, all) => ({
      day,
      rows: index === all.length - 1 ? 5 : 300,
    }));
    // Tuesday 10-27 has 5: Tuesday 10-20 adds the rows it lacks.
    assert.equal(iso(weekdayCoverageStart(days) ?? 0), '2026-10-20T00:00:00.000Z');
    assert.equal(iso(weekdayCoverageStart(days, 5) ?? 0), '2026-10-21T00:00:00.000Z');
    assert.equal(weekdayCoverageStart(days.slice(2)), undefined, 'six weekdays never cover the week');
  });
});

