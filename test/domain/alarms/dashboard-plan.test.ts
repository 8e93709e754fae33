// The dashboard's plan entry (create, keep, update and what changed), the alarm ARNs its status
// widget is planned with before the alarms exist, and which model a stored body is Vigil's for.
import assert from 'node:assert/strict';
import { cloudwatchDashboardBody } from '../../../src/domain/alarms/cloudwatch-dashboard.js';
import { alarmArns, modelShownBy, planDashboard } from '../../../src/domain/alarms/dashboard-plan.js';

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

describe('modelShownBy', () => {
  const vigilBody = cloudwatchDashboardBody({ model: 'demand', namespace: 'Vigil', region: 'us-east-1', specs: [], alarmArns: [] });
  const graph = (...metrics: unknown[][]): Record<string, unknown> => ({ type: 'metric', x: 0, y: 0, width: 6, height: 6, properties: { title: 'g', metrics } });

  it('reads the model a body Vigil built draws, in its namespace only', () => {
    assert.equal(modelShownBy(vigilBody, 'Vigil'), 'demand');
    assert.equal(modelShownBy(vigilBody, 'OtherNamespace'), undefined);
  });

  it('is undefined for what is not one model’s Vigil dashboard: another tool’s lines, two models, no graphs, not JSON', () => {
    const line = (model: string): unknown[] => ['Vigil', 'rmse', 'Model', model, 'Subject', 'performance:window', 'Metric', 'rmse', {}];
    assert.equal(modelShownBy(body(graph(line('demand'), ['AWS/SageMaker', 'Invocations', 'EndpointName', 'demand'])), 'Vigil'), undefined);
    assert.equal(modelShownBy(body(graph(line('demand')), graph(line('churn'))), 'Vigil'), undefined);
    assert.equal(modelShownBy(body(graph(line('demand'), line('demand'))), 'Vigil'), 'demand');
    assert.equal(modelShownBy(body({ type: 'text', properties: { markdown: 'x' } }), 'Vigil'), undefined);
    assert.equal(modelShownBy('not json', 'Vigil'), undefined);
  });
});
