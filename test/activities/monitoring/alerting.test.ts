// Alert incidents over successive windows: a new breach posts, a persisting one updates the same
// message, re-evaluating an older window changes no count, a newer clean window closes it, and
// one failing channel neither silences the others nor loses what they posted.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { raiseWindowAlerts, type WindowAlertArgs } from '../../../src/activities/monitoring/alerting.js';
import type { ActivityDeps } from '../../../src/activities/shared/activity-deps.js';
import { FileIncidentStore } from '../../../src/adapters/local/files/file-incident-store.js';
import { validateConfig, type LoadedConfig } from '../../../src/config/load.js';
import type { Breach, TimeWindow } from '../../../src/domain/monitoring/types.js';
import type { Alert } from '../../../src/domain/alerts/alert.js';
import type { Notifier, NotifyResult } from '../../../src/ports/notifier.js';

class RecordingNotifier implements Notifier {
  readonly calls: { alert: Alert; previousRef: string | undefined }[] = [];
  failWith: string | undefined;

  constructor(readonly channel: string) {}

  notify(alert: Alert, previousRef?: string): Promise<NotifyResult> {
    this.calls.push({ alert, previousRef });
    if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
    const messageRef = previousRef ?? `${this.channel}:${this.calls.length}`;
    return Promise.resolve({ channel: this.channel, messageRef, updated: previousRef !== undefined });
  }

  keys(): string[] {
    return this.calls.map((call) => call.alert.incidentKey);
  }
}

/**
 * ActivityDeps with only what raiseWindowAlerts reads: the config, the notifiers and the incident
 * store. It never touches the other ports, so they are left out; reading one fails the test.
 */
function alertingDeps(used: Pick<ActivityDeps, 'loaded' | 'notifiers' | 'incidents'>): ActivityDeps {
  return new Proxy(used as ActivityDeps, {
    get: (target, property, receiver) => {
      if (property in target) return Reflect.get(target, property, receiver) as unknown;
      throw new Error(`raiseWindowAlerts read deps.${String(property)}`);
    },
  });
}

const day = (date: string): string => `${date}T00:00:00.000Z`;
const windowOf = (first: string, end: string): TimeWindow => ({ start: day(first), end: day(end) });
const older = windowOf('2026-11-19', '2026-11-20');
const first = windowOf('2026-11-20', '2026-11-21');
const second = windowOf('2026-11-21', '2026-11-22');
const third = windowOf('2026-11-22', '2026-11-23');

const driftBreach: Breach = { kind: 'drift', group: 'feature', subject: 'price', metric: 'wasserstein_normed', value: 0.25, threshold: 0.1, excess: 0.15 };
const rmseBreach: Breach = { kind: 'performance', group: 'performance', subject: 'window', metric: 'rmse', value: 6, threshold: 5, excess: 1 };
const qualityBreach: Breach = { kind: 'quality', group: 'quality', subject: 'price', metric: 'type_error_share', value: 0.02, threshold: 0.01, excess: 0.01 };

describe('raiseWindowAlerts', () => {
  let dir: string;
  let loaded: LoadedConfig;
  let storeCount = 0;
  // Activity context for the log calls; its logger stays quiet, the failures are asserted.
  const env = new MockActivityEnvironment({ workflowNamespace: 'monitoring' }, { logger: new DefaultLogger('ERROR') });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-alerting-'));
    await writeFile(join(dir, 'demand.json'), JSON.stringify({ model: 'demand', feature_schema_version: 1, features: [{ name: 'price', type: 'float' }] }));
    loaded = await validateConfig(
      {
        temporal: { uiUrl: 'http://ui.test:8233/' },
        models: [
          {
            id: 'demand',
            contract: 'demand.json',
            endpoints: { production: 'demand-production', staging: 'demand-staging' },
            sources: { productionLog: { table: 'log' }, labels: { table: 'labels' }, baseline: { table: 'baseline' } },
          },
        ],
      },
      join(dir, 'vigil.yaml'),
      {},
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function rig(...notifiers: RecordingNotifier[]) {
    storeCount += 1;
    const incidents = new FileIncidentStore(join(dir, `incidents-${storeCount}.json`));
    const deps = alertingDeps({ loaded, notifiers, incidents });
    let tick = 0;
    const now = (): Date => new Date(Date.UTC(2026, 10, 23, 6, 0, (tick += 1)));
    const raise = (window: TimeWindow, breaches: Breach[], runId = `run-${window.start.slice(0, 10)}`) => {
      const args: WindowAlertArgs = { model: 'demand', window, runId, workflowId: 'monitor-demand', breaches };
      return env.run(raiseWindowAlerts, deps, now, args);
    };
    return { incidents, raise };
  }

  it('posts a new alert for a first breach, with the breach details and a link to the run', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);

    assert.deepEqual(await raise(first, [driftBreach]), { notified: 1 });

    assert.equal(slack.calls.length, 1);
    const { alert, previousRef } = slack.calls[0]!;
    assert.equal(previousRef, undefined);
    assert.deepEqual(alert, {
      incidentKey: 'demand:drift',
      severity: 'warning',
      model: 'demand',
      title: 'drift detected',
      window: first,
      breaches: [{ subject: 'price', metric: 'wasserstein_normed', value: 0.25, threshold: 0.1, excess: 0.15 }],
      runUrl: 'http://ui.test:8233/namespaces/monitoring/workflows/monitor-demand/run-2026-11-20/history',
      // The activity's run and id: the same on every retry of this send (the mock's ids).
      idempotencyKey: '00000000-0000-0000-0000-000000000000/test/demand:drift',
    });
    const incident = await incidents.open('demand:drift');
    assert.equal(incident?.occurrences, 1);
    assert.equal(incident?.lastWindowEnd, first.end);
    assert.deepEqual(incident?.messageRefs, { slack: 'slack:1' });
  });

  it('updates the same message while the breach persists in newer windows', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);
    await raise(first, [driftBreach]);
    const opened = await incidents.open('demand:drift');

    await raise(second, [{ ...driftBreach, value: 0.3, excess: 0.2 }]);

    const update = slack.calls[1];
    assert.equal(update?.previousRef, 'slack:1');
    assert.equal(update?.alert.title, 'drift detected (2 windows running)');
    assert.equal(update?.alert.breaches[0]?.value, 0.3);
    const incident = await incidents.open('demand:drift');
    assert.equal(incident?.occurrences, 2);
    assert.equal(incident?.lastWindowEnd, second.end);
    assert.equal(incident?.openedAt, opened?.openedAt);
    assert.notEqual(incident?.lastSeenAt, opened?.lastSeenAt);
    assert.deepEqual(incident?.messageRefs, { slack: 'slack:1' });
  });

  it('does not count a re-evaluated older window again, nor close the incident for it', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);
    await raise(first, [driftBreach]);
    await raise(second, [driftBreach]);

    await raise(older, [driftBreach]);
    let incident = await incidents.open('demand:drift');
    assert.equal(slack.calls[2]?.previousRef, 'slack:1');
    assert.equal(incident?.occurrences, 2);
    assert.equal(incident?.lastWindowEnd, second.end);

    await raise(older, []);
    incident = await incidents.open('demand:drift');
    assert.equal(incident?.occurrences, 2, 'a clean older window leaves the incident open');
    assert.equal(slack.calls.length, 3);
  });

  it('closes the incident when a newer window is clean, and a later breach opens a new one', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);
    await raise(first, [driftBreach]);

    assert.deepEqual(await raise(second, []), { notified: 0 });
    assert.equal(await incidents.open('demand:drift'), undefined);

    await raise(third, [driftBreach]);
    assert.equal(slack.calls[1]?.previousRef, undefined);
    assert.equal(slack.calls[1]?.alert.title, 'drift detected');
    assert.equal((await incidents.open('demand:drift'))?.occurrences, 1);
  });

  it('does not reopen an incident that a newer clean window closed when an older window is re-evaluated', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);
    await raise(first, [driftBreach]);
    await raise(second, []);
    assert.equal(await incidents.open('demand:drift'), undefined);

    // The relabel pass re-evaluates an older window after the newest clean one closed the incident.
    assert.deepEqual(await raise(older, [driftBreach]), { notified: 0 });
    assert.equal(await incidents.open('demand:drift'), undefined, 'an older window does not reopen the incident');
    assert.equal(slack.calls.length, 1);

    // The window that closed it, re-evaluated with a breach, and newer windows still open one.
    await raise(second, [driftBreach]);
    assert.equal((await incidents.open('demand:drift'))?.occurrences, 1);
  });

  it('keeps one incident per kind of breach', async () => {
    const slack = new RecordingNotifier('slack');
    const { incidents, raise } = rig(slack);
    await raise(first, [driftBreach, rmseBreach]);
    assert.deepEqual(slack.keys(), ['demand:drift', 'demand:performance']);
    assert.equal(slack.calls[1]?.alert.severity, 'critical');

    // Drift is gone in the newer window, the performance breach persists.
    await raise(second, [rmseBreach]);
    assert.equal(await incidents.open('demand:drift'), undefined);
    assert.equal((await incidents.open('demand:performance'))?.occurrences, 2);
    assert.equal(slack.calls[2]?.alert.incidentKey, 'demand:performance');
    assert.equal(slack.calls[2]?.previousRef, 'slack:2');
  });

  it('delivers through the other channels when one fails, records what they posted, and rejects', async () => {
    const local = new RecordingNotifier('console');
    const slack = new RecordingNotifier('slack');
    const sns = new RecordingNotifier('sns');
    slack.failWith = 'channel_not_found';
    const { incidents, raise } = rig(local, slack, sns);

    await assert.rejects(raise(first, [qualityBreach, driftBreach]), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /demand:quality via slack: channel_not_found/);
      assert.match(error.message, /demand:drift via slack: channel_not_found/);
      return true;
    });

    // The failure on the first kind held back neither the other channels nor the next kind.
    assert.deepEqual(local.keys(), ['demand:quality', 'demand:drift']);
    assert.deepEqual(sns.keys(), ['demand:quality', 'demand:drift']);
    const quality = await incidents.open('demand:quality');
    assert.deepEqual(quality?.messageRefs, { console: 'console:1', sns: 'sns:1' });
    assert.deepEqual((await incidents.open('demand:drift'))?.messageRefs, { console: 'console:2', sns: 'sns:2' });

    // The retry edits what was posted, posts only where it failed, and counts the window once.
    slack.failWith = undefined;
    await raise(first, [qualityBreach, driftBreach]);
    assert.equal(local.calls[2]?.previousRef, 'console:1');
    assert.equal(sns.calls[2]?.previousRef, 'sns:1');
    assert.equal(slack.calls[2]?.previousRef, undefined);
    const retried = await incidents.open('demand:quality');
    assert.equal(retried?.occurrences, 1);
    assert.deepEqual(retried?.messageRefs, { console: 'console:1', sns: 'sns:1', slack: 'slack:3' });
  });
});
