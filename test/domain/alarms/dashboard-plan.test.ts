// The dashboard's plan entry (create, keep, update and what changed) and the alarm ARNs its status
// widget is planned with before the alarms exist.
import assert from 'node:assert/strict';
import { alarmArns, planDashboard } from '../../../src/domain/alarms/dashboard-plan.js';

const widget = (title: string, value: number): Record<string, unknown> => ({ type: 'metric', x: 0, y: 0, width: 6, height: 6, properties: { title, value } });
const body = (...widgets: Record<string, unknown>[]): string => JSON.stringify({ start: '-P30D', periodOverride: 'inherit', widgets });

describe('planDashboard', () => {
  const widgets = [widget('Performance: rmse', 12), widget('Performance: mae', 9)];
  const desired = body(...widgets);

  it('creates a missing dashboard and keeps one whose JSON is the same, however it is spaced or ordered', () => {
    assert.deepEqual(planDashboard('vigil-demand', desired, undefined), { action: 'create', name: 'vigil-demand', reason: 'new, 2 widgets', widgets: 2, body: desired });
    const respaced = JSON.stringify({ widgets, periodOverride: 'inherit', start: '-P30D' }, null, 2);
    assert.deepEqual(planDashboard('vigil-demand', desired, respaced), { action: 'keep', name: 'vigil-demand', reason: 'unchanged, 2 widgets', widgets: 2 });
  });

  it('updates a changed one, naming the widgets that changed', () => {
    assert.equal(planDashboard('d', desired, body(widget('Performance: rmse', 10), widget('Performance: mae', 9))).reason, 'changed: Performance: rmse');
    assert.equal(planDashboard('d', desired, body(widget('Performance: rmse', 12))).reason, 'widgets 1 -> 2; changed: Performance: mae');
    const many = body(...['a', 'b', 'c', 'd', 'e'].map((title) => widget(title, 1)));
    assert.equal(planDashboard('d', desired, many).reason, 'widgets 5 -> 2; changed: Performance: rmse, Performance: mae, c and 2 more');
    assert.equal(planDashboard('d', desired, JSON.stringify({ start: '-P7D', periodOverride: 'inherit', widgets })).reason, 'dashboard settings changed');
    const unreadable = planDashboard('d', desired, 'not json');
    assert.equal(unreadable.action, 'update');
    assert.equal(unreadable.body, desired);
  });
});

describe('alarmArns', () => {
  const arn = (name: string): string => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`;

  it('takes the listed ARNs and forms those of alarms not created yet like them', () => {
    assert.deepEqual(alarmArns(['vigil-a-x', 'vigil-a-y'], [{ name: 'vigil-a-x', arn: arn('vigil-a-x') }]), [arn('vigil-a-x'), arn('vigil-a-y')]);
    assert.deepEqual(alarmArns(['vigil-a-x'], [{ name: 'vigil-a-x', arn: 'arn:aws:cloudwatch:eu-west-1:1:alarm:renamed' }]), ['arn:aws:cloudwatch:eu-west-1:1:alarm:renamed']);
  });

  it('leaves out what it cannot know: with no alarm listed, the account', () => {
    assert.deepEqual(alarmArns(['vigil-a-x'], []), []);
    assert.deepEqual(alarmArns(['vigil-a-x'], [{ name: 'vigil-a-x' }]), []);
  });
});
