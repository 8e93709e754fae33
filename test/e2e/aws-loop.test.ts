// The whole loop once in mode "aws": the worker composed with the Athena, S3, SageMaker, CloudWatch
// and SNS adapters, every call over HTTP to moto (through the SageMaker shim for the calls moto
// lacks), workflows on the real dev server. Daily monitoring finds the demo's drift, the K-of-N
// trigger starts a retraining on the SageMaker Pipeline, the candidate is registered in the model
// package group, approved, smoke-tested on the staging endpoint and rolled out to production by a
// blue/green UpdateEndpoint with the configured DeploymentConfig.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { GetBucketLifecycleConfigurationCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeModelPackageCommand, ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { costReportCommand } from '../../src/client/commands/cost-report.js';
import { createDeployActivities } from '../../src/activities/deploy/index.js';
import { decide } from '../support/decisions.js';
import type { EndpointMove } from '../../src/domain/deploy/types.js';
import type { DailyMonitoringResult } from '../../src/workflows/monitoring/daily-monitoring.js';
import type { dailyMonitoringWorkflow } from '../../src/workflows/monitoring/daily-monitoring.js';
import { retrainingStatusQuery, type RetrainingResult } from '../../src/workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../../src/workflows/retraining/retraining.js';
import type { cleanupWorkflow } from '../../src/workflows/cleanup/cleanup.js';
import { cleanupWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { athenaMinimumBytes, loopDatabase, loopRegion, MOTO_STARTUP_TIMEOUT_MS, startAwsLoopRig, type AwsLoopRig } from '../support/aws-loop/aws-loop-rig.js';
import { TrinoAthena } from '../support/athena-twin/trino-athena.js';
import { maybeRecordHistory } from '../support/histories.js';
import { motoState } from '../support/moto.js';
import { addDays } from '../support/monitoring-rig.js';
import { testEnv, uniqueId } from '../support/temporal.js';
import { exited, workerProcesses } from '../support/worker-processes.js';

describe('the monitoring -> retrain -> deploy loop in aws mode (moto)', function () {
  this.timeout(600_000);
  let rig: AwsLoopRig;
  /** The candidate SageMaker reverted in the second test. */
  let reverted: string | undefined;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    rig = await startAwsLoopRig();
  });

  after(async () => {
    await rig?.close();
  });

  async function keys(bucket: string, prefix: string): Promise<string[]> {
    const listed = await rig.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  }

  /** Waits for the run's approval request, approves it and returns the run's result. */
  async function approveWhenAsked(workflowId: string): Promise<{ candidate: string; result: RetrainingResult }> {
    const handle = rig.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 300_000;
    let status = await handle.query(retrainingStatusQuery);
    while (status.stage !== 'awaiting-approval') {
      assert.ok(!['done', 'failed'].includes(status.stage), `the retraining ended before asking: ${JSON.stringify(status)}`);
      assert.ok(Date.now() < deadline, `still ${status.stage}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await handle.query(retrainingStatusQuery);
    }
    const candidate = status.candidateVersion;
    assert.ok(candidate !== undefined);
    const approved = await decide(rig.client, workflowId, 'approve', 'demo-approver', { reason: 'drift confirmed' });
    assert.equal(approved.ok, true, JSON.stringify(approved));
    return { candidate, result: (await handle.result()) as RetrainingResult };
  }

  it('finds the drift, retrains on the pipeline, and rolls the approved candidate out blue/green', async () => {
    let triggered: DailyMonitoringResult['retraining'] | undefined;
    const days: string[] = [];
    for (let offset = 1; offset <= 3 && triggered === undefined; offset += 1) {
      const day = addDays(rig.driftDate, offset);
      days.push(day);
      const at = `${addDays(day, 1)}T06:00:00.000Z`;
      const result = await rig.client.workflow.execute<typeof dailyMonitoringWorkflow>('dailyMonitoringWorkflow', {
        taskQueue: rig.taskQueue,
        workflowId: `vigil-aws-loop-daily-${day}-${process.pid}`,
        args: [{ model: 'demand', at }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      assert.equal(result.current.status, 'ok', JSON.stringify(result.current));
      if (result.retraining.triggered) triggered = result.retraining;
    }
    assert.ok(triggered?.workflowId !== undefined, `no retraining was triggered on ${days.join(', ')}`);

    // The approval request waits for a person; the approver answers as the CLI or Slack would.
    const { candidate, result } = await approveWhenAsked(triggered.workflowId);
    assert.equal(result.outcome, 'deployed', JSON.stringify(result));
    assert.equal(result.deploy?.previousVersion, 'v1');

    // Production moved by UpdateEndpoint with the configured blue/green policy; staging serves it too.
    const updates = rig.endpoints.updatesOf('demand-production');
    assert.equal(updates.length, 1, 'one blue/green update of production');
    assert.deepEqual(updates[0]?.deploymentConfig, {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 300, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        TerminationWaitInSeconds: 600,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'vigil-demand-production-errors' }] },
    });
    assert.equal((await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion, candidate);
    assert.equal(await rig.runtime.deps.modelHost.describeEndpoint('demand-staging'), undefined, 'staging is deleted once production serves the candidate');

    // The candidate is an Approved package of the model's group, with who approved it.
    const sagemaker = new SageMakerClient({ region: loopRegion, endpoint: rig.motoUrl });
    try {
      const packages = await sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'vigil-demand' }));
      const approvedPackages = await Promise.all(
        (packages.ModelPackageSummaryList ?? []).map((summary) => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }))),
      );
      const candidatePackage = approvedPackages.find((pkg) => pkg.CustomerMetadataProperties?.['vigil:version'] === candidate);
      assert.equal(candidatePackage?.ModelApprovalStatus, 'Approved');
      assert.match(candidatePackage?.ApprovalDescription ?? '', /demo-approver/);
    } finally {
      sagemaker.destroy();
    }

    // Each run keeps what its statements scanned: prepareWindow stages the window (one UNLOAD) and
    // runs 3 queries over it; the analysis stages the baseline and the labels, and the window anew
    // (the loop's log leaves predictions to score in every window, so the kept one is stale), then
    // runs its queries (query_id). The staged tables' DDL reads nothing. A re-evaluation also reads
    // fingerprints, one in each step; when the window's rows are those prepared before, its
    // preparation runs none of its 3 queries.
    const runs = await rig.twin.answer(
      "SELECT r.run_id, r.summary, max(m.query_id) AS query_ids FROM monitoring_runs r JOIN monitoring_metrics m ON m.run_id = r.run_id AND m.window_start = r.window_start WHERE r.status = 'ok' GROUP BY r.run_id, r.summary, r.window_start",
    );
    assert.ok(runs.rows.length >= days.length, `${runs.rows.length} runs`);
    const athena = new AthenaClient({ region: loopRegion, endpoint: rig.motoUrl });
    try {
      let reEvaluations = 0;
      for (const run of runs.rows) {
        const summary = JSON.parse(String(run['summary'])) as { bytesScanned: number | null };
        const ids = String(run['query_ids']).split(',');
        const texts = await Promise.all(ids.map(async (id) => (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Query ?? ''));
        const reEvaluation = texts.some((text) => text.includes('"window_fingerprint"'));
        const analysis = 3 + ids.length;
        const expected = reEvaluation ? [1 + 1 + 3 + analysis, 1 + 1 + analysis] : [1 + 3 + analysis];
        if (reEvaluation) reEvaluations += 1;
        assert.ok(expected.map((n) => n * athenaMinimumBytes).includes(summary.bytesScanned ?? -1), `${String(run['run_id'])}: ${JSON.stringify(summary)}, expected ${expected.join(' or ')} statements`);
      }
      assert.ok(reEvaluations > 0, 'older windows were re-evaluated as their labels arrived');
    } finally {
      athena.destroy();
    }

    // Every staged table was dropped, its files with it.
    assert.deepEqual(await keys('vigil-loop-results', 'tables/_staged/'), []);
    const stagedViews = await rig.twin.warehouse.query("SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'vigil_staged_%'");
    assert.deepEqual(stagedViews.rows, []);

    // Results went back to the warehouse as Parquet partitions; alerts to SNS; metrics to CloudWatch.
    const metricObjects = await keys('vigil-loop-results', 'tables/monitoring_metrics/');
    assert.ok(metricObjects.some((key) => key.endsWith('.parquet')), metricObjects.join('\n'));
    assert.ok((await keys('vigil-loop-results', 'tables/deployments/')).length > 0);
    assert.ok((await keys('vigil-loop-artifacts', `models/demand/${candidate}/`)).some((key) => key.endsWith('evaluation.json')));
    assert.ok((await keys('vigil-loop-artifacts', `pipeline-inputs/demand/${candidate}/`)).length > 0, 'the labelled rows were exported for the pipeline');
    const state = await motoState(rig.motoUrl);
    const topic = (state.sns?.Topic ?? []).find((entry) => entry.arn === rig.topicArn);
    const published = (topic?.sent_notifications ?? []) as unknown[];
    assert.ok(published.length > 0, 'alerts were published to SNS');
    const cloudwatch = new CloudWatchClient({ region: loopRegion, endpoint: rig.motoUrl });
    try {
      const metrics = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'Vigil' }));
      assert.ok((metrics.Metrics ?? []).some((metric) => metric.Dimensions?.some((d) => d.Name === 'Model' && d.Value === 'demand')));
    } finally {
      cloudwatch.destroy();
    }

    // The audit trail, read back through Athena.
    const deployActions = (await rig.runtime.deps.audit.list({ workflowId: `vigil-deploy-demand-${candidate}` })).map((event) => event.action);
    for (const action of ['deploy.creating', 'deploy.staging', 'deploy.smoke-staging', 'deploy.production', 'deploy.verify-production', 'deploy.done']) {
      assert.ok(deployActions.includes(action), `${action} in ${deployActions.join(',')}`);
    }
    assert.ok(rig.feeder.counts.athena > 0 && rig.feeder.counts.invocations > 0 && rig.feeder.counts.pipelines === 1, JSON.stringify(rig.feeder.counts));
    // Every SELECT and view ran on Trino; the twin answered only what Athena adds to Trino.
    if (rig.athena instanceof TrinoAthena) {
      const { trino, twinOnly } = rig.athena.counts;
      console.error(`Athena statements of the loop: ${trino} on Trino (SELECT, WITH, CREATE VIEW); twin only: ${JSON.stringify(twinOnly)}`);
      assert.ok(trino > 0);
      assert.deepEqual(Object.keys(twinOnly).filter((kind) => !['UNLOAD', 'CREATE EXTERNAL TABLE', 'ALTER TABLE', 'DROP TABLE'].includes(kind)), []);
      assert.equal(trino + Object.values(twinOnly).reduce((sum, n) => sum + n, 0), rig.feeder.counts.athena);
    }

    // The BI views the worker created in Athena tell the same story (what QuickSight reads).
    const daily = await rig.twin.answer(`SELECT window_end, breaches FROM "${loopDatabase}"."vigil_metrics_daily" WHERE model = 'demand'`);
    const windows = await rig.twin.answer(`SELECT DISTINCT window_end FROM monitoring_runs WHERE model = 'demand'`);
    assert.equal(daily.rows.length, windows.rows.length, 'a row per window');
    assert.ok(daily.rows.some((row) => Number(row['breaches']) > 0), 'the drift shows as breaches');
    const events = await rig.twin.answer(`SELECT action, version FROM "${loopDatabase}"."vigil_events" WHERE model = 'demand'`);
    assert.ok(events.rows.some((row) => row['action'] === 'deployments.deploy' && row['version'] === candidate), JSON.stringify(events.rows));
  });

  it("reports each model's cost with its monitoring scans and keeps them in model_costs", async () => {
    // Cost Explorer's answer for the span (moto queues it); the scans come from the runs above.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const today = new Date().toISOString().slice(0, 10);
    const group = (model: string, amount: string) => ({ Keys: [`vigil:model$${model}`], Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } } });
    const results = [{ ResultsByTime: [{ TimePeriod: { Start: today, End: tomorrow.toISOString().slice(0, 10) }, Total: {}, Groups: [group('demand', '2.76'), group('', '0.5')], Estimated: true }], DimensionValueAttributes: [] }];
    const queued = await fetch(`${rig.motoUrl}/moto-api/static/ce/cost-and-usage-results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results }) });
    assert.equal(queued.status, 201);
    // The runs above started on the scenario's days (the workflows' time), within the last weeks.
    const perDay = await rig.twin.answer(
      "SELECT substr(started_at, 1, 10) AS day, count(*) AS n, sum(CAST(json_extract_string(summary, '$.bytesScanned') AS BIGINT)) AS bytes FROM monitoring_runs GROUP BY 1 ORDER BY 1",
    );
    const runs = perDay.rows.reduce((sum, row) => sum + Number(row['n']), 0);
    const bytes = perDay.rows.reduce((sum, row) => sum + Number(row['bytes']), 0);
    assert.ok(runs > 0 && bytes > 0);

    const lines = await costReportCommand({ config: rig.configPath, since: '60d', now: tomorrow, json: true });
    const demand = lines.find((line) => line.model === 'demand');
    assert.equal(demand?.total, 2.76);
    assert.deepEqual(demand?.monitoring, { runs, bytesScanned: bytes, usd: (bytes / 1024 ** 4) * 5 });
    assert.equal(lines.find((line) => line.model === '(untagged)')?.total, 0.5);

    const kept = await rig.twin.answer('SELECT model, day, source, amount, bytes_scanned, runs FROM model_costs ORDER BY model, day, source');
    assert.deepEqual(
      kept.rows.map((row) => [row['model'], row['day'], row['source'], row['amount'], row['bytes_scanned'], row['runs']]),
      [
        ['(untagged)', today, 'cost-explorer', 0.5, null, null],
        ...perDay.rows.map((row) => ['demand', row['day'], 'athena-monitoring', (Number(row['bytes']) / 1024 ** 4) * 5, Number(row['bytes']), Number(row['n'])]),
        ['demand', today, 'cost-explorer', 2.76, null, null],
      ],
    );
  });

  it('keeps production on the current version when SageMaker rolls the rollout back on an alarm', async () => {
    const serving = (await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion;
    assert.ok(serving !== undefined);
    rig.endpoints.setNextUpdate('demand-production', { outcome: { kind: 'alarm-rollback', alarmName: 'vigil-demand-production-errors' } });
    const alertsBefore = rig.alerts.length;
    const workflowId = `vigil-aws-loop-retrain-${process.pid}`;
    await rig.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
      taskQueue: rig.taskQueue,
      workflowId,
      args: [{ model: 'demand', reason: 'manual: test', requestedBy: 'tester', at: `${addDays(rig.driftDate, 3)}T06:00:00.000Z` }],
    });
    const { candidate, result } = await approveWhenAsked(workflowId);
    reverted = candidate;
    assert.equal(result.outcome, 'rolled-back', JSON.stringify(result));
    await maybeRecordHistory(rig.client, `vigil-deploy-demand-${candidate}`, 'deploy-platform-rolled-back');
    assert.equal((await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion, serving);
    assert.equal((await rig.runtime.deps.modelHost.describeEndpoint('demand-staging'))?.currentVersion, candidate);
    assert.ok(rig.alerts.slice(alertsBefore).some((text) => text.includes('rolled back during the production rollout') && text.includes('vigil-demand-production-errors')));
    const actions = (await rig.runtime.deps.audit.list({ workflowId: `vigil-deploy-demand-${candidate}` })).map((event) => event.action);
    assert.ok(actions.includes('deploy.rolled-back') && !actions.includes('deploy.done'), actions.join(','));
  });

  it('does not send a reverted update again when the step is retried (the worker was away during the bake)', async () => {
    assert.ok(reverted !== undefined, 'runs after the rollback test');
    const production = await rig.runtime.deps.modelHost.describeEndpoint('demand-production');
    assert.match(production?.lastFailure ?? '', /vigil-demand-production-errors/);
    const updates = rig.endpoints.updatesOf('demand-production').length;
    // A retry of the move: the earlier attempt's heartbeat says it issued the update.
    const activity = new MockActivityEnvironment({ heartbeatDetails: { issued: { endpoint: 'demand-production', version: reverted } } });
    const activities = createDeployActivities(rig.runtime.deps);
    const move: EndpointMove = await activity.run((args: Parameters<typeof activities.pointEndpoint>[0]) => activities.pointEndpoint(args), {
      model: 'demand',
      version: reverted,
      artifactUri: '',
      endpoint: 'demand-production',
      workflowId: 'retried-move',
    });
    assert.equal(move.moved, false);
    assert.match(move.moved ? '' : move.reason, /went back to v\d+: .*vigil-demand-production-errors/);
    assert.equal(rig.endpoints.updatesOf('demand-production').length, updates, 'no second UpdateEndpoint');
  });

  it('cleans up: deletes the SageMaker Models and S3 artifacts of old versions, never what serves or the rollback target, each once', async () => {
    const production = (await rig.runtime.deps.modelHost.describeEndpoint('demand-production'))?.currentVersion;
    assert.ok(production !== undefined);
    // Six old versions beside the loop's own: a Model on SageMaker, an artifact in S3 and a package each.
    const old = ['old1', 'old2', 'old3', 'old4', 'old5', 'old6'];
    for (const [index, version] of old.entries()) {
      const artifactUri = `s3://vigil-loop-artifacts/models/demand/${version}/model.tar.gz`;
      // With what its pipeline execution left: the evaluation report and the exported labelled rows.
      for (const key of [`models/demand/${version}/model.tar.gz`, `models/demand/${version}/evaluation.json`, `pipeline-inputs/demand/${version}/part-0.parquet`]) {
        await rig.s3.send(new PutObjectCommand({ Bucket: 'vigil-loop-artifacts', Key: key, Body: 'artifact' }));
      }
      await rig.runtime.deps.modelHost.createModelVersion({ model: 'demand', version, artifactUri }, { 'vigil:model': 'demand', 'vigil:version': version });
      const registeredAt = new Date(Date.UTC(2025, 0, 1 + index)).toISOString();
      await rig.runtime.deps.registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'older', workflowId: `wf-${version}` }, registeredAt });
      await rig.runtime.deps.registry.setStatus('demand', version, 'Approved', 'alice', 'older');
    }
    // One more old version registered on the serving version's artifact: deleting it must keep that artifact.
    const servingArtifact = (await rig.runtime.deps.registry.get('demand', production))?.artifactUri ?? '';
    assert.ok(servingArtifact.startsWith('s3://vigil-loop-artifacts/'), servingArtifact);
    await rig.runtime.deps.registry.register({ model: 'demand', version: 'old0', artifactUri: servingArtifact, metrics: {}, origin: { reason: 'older', workflowId: 'wf-old0' }, registeredAt: '2024-12-31T00:00:00.000Z' });
    await rig.runtime.deps.registry.setStatus('demand', 'old0', 'Approved', 'alice', 'older');
    const servingKeys = await keys('vigil-loop-artifacts', servingArtifact.slice('s3://vigil-loop-artifacts/'.length));
    assert.ok(servingKeys.length > 0);
    // And an old candidate still waiting for a person: kept however old.
    await rig.runtime.deps.registry.register({ model: 'demand', version: 'pending1', artifactUri: 's3://vigil-loop-artifacts/models/demand/pending1/model.tar.gz', metrics: {}, origin: { reason: 'older', workflowId: 'wf-pending1' }, registeredAt: '2024-12-30T00:00:00.000Z' });
    const retention = rig.loaded.config.models[0]!.retention;
    const kept = { ...retention };
    retention.keepVersions = 2;
    try {
      const run = () =>
        rig.client.workflow.execute<typeof cleanupWorkflow>('cleanupWorkflow', {
          taskQueue: rig.taskQueue,
          workflowId: cleanupWorkflowId('demand'),
          args: [{ model: 'demand', apply: true }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
      const first = await run();
      const byVersion = new Map(first.plan.items.map((item) => [item.version, item]));
      assert.equal(byVersion.get(production)?.rule, 'serving');
      assert.equal(byVersion.get('v1')?.action, 'keep');
      assert.equal(byVersion.get('pending1')?.rule, 'pending-approval');
      for (const version of old) assert.equal(byVersion.get(version)?.action, 'delete', version);
      assert.deepEqual(first.applied.filter((outcome) => old.includes(outcome.version)).map((outcome) => [outcome.version, outcome.deleted.length]), old.map((version) => [version, 4]));
      const left = (await rig.runtime.deps.modelHost.listModelVersions('demand')).map((entry) => entry.version);
      for (const version of old) assert.ok(!left.includes(version), `${version} is still a SageMaker Model`);
      assert.ok(left.includes(production));
      for (const version of old) {
        assert.deepEqual(await keys('vigil-loop-artifacts', `models/demand/${version}/`), [], `${version}'s artifact and report`);
        assert.deepEqual(await keys('vigil-loop-artifacts', `pipeline-inputs/demand/${version}/`), [], `${version}'s pipeline inputs`);
      }
      assert.equal(byVersion.get('old0')?.action, 'delete');
      assert.deepEqual(await keys('vigil-loop-artifacts', servingArtifact.slice('s3://vigil-loop-artifacts/'.length)), servingKeys, "the serving version's artifact, shared with old0, is kept");
      // Packages stay: they are the audit trail.
      assert.ok((await rig.runtime.deps.registry.list('demand')).filter((entry) => old.includes(entry.version)).length === old.length);

      // The cleanup also put Vigil's lifecycle rules on the results, Athena output and artifacts buckets.
      assert.deepEqual(first.plan.lifecycle.map((rule) => rule.id), ['vigil-athena-output', 'vigil-quarantine', 'vigil-pipeline-inputs', 'vigil-results-infrequent-access']);
      for (const rule of first.plan.lifecycle) {
        const rules = (await rig.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: rule.bucket }))).Rules ?? [];
        assert.ok(rules.some((entry) => entry.ID === rule.id && entry.Filter?.Prefix === rule.prefix), `${rule.id} on ${rule.bucket}`);
      }
      // And checked the Athena workgroup: the loop's has a result location only.
      assert.deepEqual(
        first.plan.workgroup?.map((finding) => [finding.setting, finding.ok]),
        [['state', true], ['result location', true], ['encryption', false], ['enforced configuration', true], ['bytes scanned cutoff', false]],
      );
      const second = await run();
      assert.deepEqual(second.applied, [], 'nothing is deleted twice');
      assert.deepEqual(second.plan.items.filter((item) => old.includes(item.version)).map((item) => item.rule), old.map(() => 'retired'));
    } finally {
      Object.assign(retention, kept);
    }
  });

  it('a worker SIGKILLed mid-cleanup: a second worker process finishes it, each version deleted and audited once', async () => {
    // Thirty old versions, each a SageMaker Model, an S3 artifact and a package.
    const crash = Array.from({ length: 30 }, (_, index) => `crash${String(index + 1).padStart(2, '0')}`);
    for (const [index, version] of crash.entries()) {
      const artifactUri = `s3://vigil-loop-artifacts/models/demand/${version}/model.tar.gz`;
      await rig.s3.send(new PutObjectCommand({ Bucket: 'vigil-loop-artifacts', Key: `models/demand/${version}/model.tar.gz`, Body: 'artifact' }));
      await rig.runtime.deps.modelHost.createModelVersion({ model: 'demand', version, artifactUri }, { 'vigil:model': 'demand', 'vigil:version': version });
      await rig.runtime.deps.registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'older', workflowId: `wf-${version}` }, registeredAt: new Date(Date.UTC(2024, 0, 1 + index)).toISOString() });
      await rig.runtime.deps.registry.setStatus('demand', version, 'Approved', 'alice', 'older');
    }
    const onHost = async (): Promise<string[]> => {
      // A Model the worker deletes between the listing and its ListTags fails the listing (moto
      // answers a 500): list again.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return (await rig.runtime.deps.modelHost.listModelVersions('demand')).map((entry) => entry.version).filter((version) => crash.includes(version));
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
    };
    assert.equal((await onHost()).length, crash.length);

    // The worker as its own process, on a queue of its own, with the rig's AWS config (moto behind the feeder).
    const env = await testEnv();
    const config = parse(await readFile(rig.configPath, 'utf8')) as Record<string, unknown> & { models: Record<string, unknown>[] };
    const taskQueue = uniqueId('aws-cleanup-crash');
    config['temporal'] = { taskQueue };
    config.models[0]!['retention'] = { keepVersions: 1 };
    const crashConfig = rig.configPath.replace(/\.yaml$/, '.crash.yaml');
    await writeFile(crashConfig, stringify(config));
    const workers = workerProcesses();
    try {
      const first = workers.start(crashConfig, env.address);
      const workflowId = uniqueId('aws-cleanup-crash');
      const handle = await env.client.workflow.start<typeof cleanupWorkflow>('cleanupWorkflow', { taskQueue, workflowId, args: [{ model: 'demand', apply: true }] });
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && (await onHost()).length > crash.length - 4) await new Promise((resolve) => setTimeout(resolve, 20));
      first.kill('SIGKILL');
      await exited(first);
      const leftAtKill = (await onHost()).length;
      assert.ok(leftAtKill > 0 && leftAtKill < crash.length, `killed with ${leftAtKill} of ${crash.length} versions left`);

      const second = workers.start(crashConfig, env.address);
      const result = await handle.result();
      second.kill('SIGTERM');
      await exited(second);

      assert.deepEqual(await onHost(), []);
      for (const version of crash) assert.deepEqual(await keys('vigil-loop-artifacts', `models/demand/${version}/`), [], version);
      const deleted = result.applied.map((outcome) => outcome.version);
      assert.equal(new Set(deleted).size, deleted.length, 'no version deleted twice');
      for (const version of crash) assert.ok(deleted.includes(version), `${version} deleted`);
      assert.ok(result.applied.every((outcome) => outcome.skipped === undefined));
      const audited = (await rig.runtime.deps.audit.list({ model: 'demand' })).filter((event) => event.workflowId === workflowId);
      assert.deepEqual(audited.map((event) => event.action).sort(), deleted.map(() => 'cleanup.deleted'));
      assert.equal(new Set(audited.map((event) => String(event.detail?.['version']))).size, deleted.length, 'one audit event per version');
    } finally {
      workers.killAll();
    }
  });
});
