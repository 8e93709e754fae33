// One chaos run's world in aws mode: the aws loop's moto world (SageMaker shim, Athena on Trino or
// its twin, the pipeline's steps played locally), with the worker as its own process reaching AWS
// through a fault front, a Temporal dev server of the run's own (so it can be restarted) and the
// Slack stand-in. The front throttles, fails, resets and slows a seeded share of the worker's calls.
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { parse, stringify } from 'yaml';
import { demoApprover } from '../../src/demo/demo-config.js';
import { loopRegion, startAwsWorld } from '../support/aws-loop/aws-loop-rig.js';
import { awsResourcesAccounted } from './aws-resources.js';
import { startFaultFront, type FrontFault } from '../support/fault-front.js';
import { motoEndpoint, motoState } from '../support/moto.js';
import { addDays, smallScenario } from '../support/monitoring-rig.js';
import type { ChaosRig } from './chaos-rig.js';
import { deployAudited, rowsOnce, type InvariantCheck } from './invariants.js';
import type { AwsFaultKind, FaultSchedule } from './schedule.js';
import { slackStandIn } from './slack-stand-in.js';
import { oldRegisteredAt, oldVersions } from './model-settings.js';
import { workerSupervisor } from './worker-supervisor.js';
import { slackTokenVariable, startChaosTemporal } from './chaos-temporal.js';

/**
 * moto forgets everything: each run's world starts from nothing (the loop's buckets, models and
 * packages have fixed names), and leaves nothing to the suites after it.
 */
async function resetMoto(): Promise<void> {
  const answer = await fetch(`${await motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!answer.ok) throw new Error(`moto-api/reset answered ${answer.status}`);
}

export async function startAwsChaosRig(runKey: string, schedule: FaultSchedule): Promise<ChaosRig> {
  await resetMoto();
  const world = await startAwsWorld();
  const closers: (() => Promise<void>)[] = [resetMoto, () => world.close()];
  const closeAll = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const front = await startFaultFront(world.feeder.endpoint);
    closers.push(() => front.stop());
    const slack = await slackStandIn();
    closers.push(() => slack.close());
    const taskQueue = `chaos-aws-${runKey}`;
    const config = parse(await readFile(world.configPath, 'utf8')) as Record<string, unknown> & { aws: Record<string, unknown>; models: Record<string, unknown>[] };
    config['temporal'] = { taskQueue };
    config.models = config.models.map((model) => ({ ...model, retention: { keepVersions: 2 } }));
    config.aws = { ...config.aws, endpointUrl: front.endpoint };
    config['slack'] = { botToken: `env:${slackTokenVariable}`, channel: 'C0CHAOS', apiUrl: `${slack.origin}/api/` };
    const configPath = join(world.dir, 'vigil.chaos.yaml');
    await writeFile(configPath, stringify(config));

    // Old versions for the cleanup: each a SageMaker Model, an S3 artifact and an approved package.
    for (const [index, version] of oldVersions.entries()) {
      const key = `models/demand/${version}/model.tar.gz`;
      await world.s3.send(new PutObjectCommand({ Bucket: 'vigil-loop-artifacts', Key: key, Body: 'artifact' }));
      const artifactUri = `s3://vigil-loop-artifacts/${key}`;
      await world.runtime.deps.modelHost.createModelVersion({ model: 'demand', version, artifactUri }, { 'vigil:model': 'demand', 'vigil:version': version });
      const registeredAt = oldRegisteredAt(addDays(world.driftDate, -smallScenario.driftFromDay), index);
      await world.runtime.deps.registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'older', workflowId: `wf-${version}` }, registeredAt });
      await world.runtime.deps.registry.setStatus('demand', version, 'Approved', 'setup', 'older');
    }

    const temporal = await startChaosTemporal(world.dir);
    closers.push(() => temporal.close());
    const workers = workerSupervisor({ configPath, temporalAddress: temporal.address, env: { [slackTokenVariable]: 'xoxb-chaos' } });
    closers.push(() => workers.stop());
    await workers.start();

    const rng = xoroshiro128plus(schedule.seed);
    const decide = (request: IncomingMessage): FrontFault | undefined => {
      const athena = String(request.headers['x-amz-target'] ?? '').startsWith('AmazonAthena.');
      if (schedule.aws.kinds.length > 0 && uniformInt(rng, 1, 10_000) <= schedule.aws.share * 10_000) {
        const kind: AwsFaultKind = schedule.aws.kinds[uniformInt(rng, 0, schedule.aws.kinds.length - 1)] ?? 'throttling';
        return kind === 'connection-reset' ? { kind, afterForwarding: uniformInt(rng, 0, 1) === 1 } : { kind };
      }
      return athena && schedule.aws.athenaDelayMs > 0 ? { kind: 'delay', ms: schedule.aws.athenaDelayMs } : undefined;
    };

    return {
      mode: 'aws',
      dir: world.dir,
      client: temporal.client,
      taskQueue,
      workers,
      slack,
      modelHost: world.runtime.deps.modelHost,
      driftDate: world.driftDate,
      approver: demoApprover,
      ports: [temporal.port],
      startAwsFaults: () => front.inject(decide),
      injectedBesidesKills: () => {
        const counts = front.counts();
        const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
        const kinds = Object.entries(counts).map(([kind, n]) => `${n} ${kind}`).join(', ');
        return [
          {
            fault: 'AWS faults',
            where: `${total} of ${front.requests()} calls (${Math.round(schedule.aws.share * 100)} % asked): ${kinds || 'none'}; Athena slowed by ${schedule.aws.athenaDelayMs} ms`,
            outcome: 'retried by the SDK or the activity',
          },
        ];
      },
      restartServer: (downMs) => temporal.restart(downMs),
      async checksAfterStop(candidate) {
        front.inject(undefined);
        const read = (sql: string) => world.twin.answer(sql);
        const checks: InvariantCheck[] = [...(await rowsOnce(read))];
        if (candidate !== undefined) checks.push(await deployAudited(read, `vigil-deploy-demand-${candidate}`));
        const packages = (await world.runtime.deps.registry.list('demand')).map((entry) => entry.version);
        checks.push({ name: 'model packages registered once', held: new Set(packages).size === packages.length && candidate !== undefined && packages.includes(candidate), detail: packages.sort().join(', ') });
        const endpoints = world.loaded.config.models.flatMap((model) => [model.endpoints.production, model.endpoints.staging]);
        const live = packages.filter((version) => !oldVersions.includes(version));
        checks.push(await awsResourcesAccounted(world.motoUrl, loopRegion, world.s3, { model: 'demand', live, deleted: oldVersions, endpoints, artifactsBucket: 'vigil-loop-artifacts' }));
        checks.push(await snsOnce(world.motoUrl, world.topicArn));
        return checks;
      },
      async close(options = {}) {
        await closeAll();
        if (options.keep !== true) await rm(world.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** One SNS notification per incident update: no idempotency key published twice. */
async function snsOnce(motoUrl: string, topicArn: string): Promise<InvariantCheck> {
  const state = await motoState(motoUrl);
  const topic = (state['sns']?.['Topic'] ?? []).find((entry) => entry['arn'] === topicArn);
  const sent = (topic?.['sent_notifications'] ?? []) as unknown[];
  const keys = new Map<string, number>();
  for (const notification of sent) {
    const key = JSON.stringify(notification).match(/"idempotencyKey":\{[^}]*"Value":"([^"]+)"/)?.[1] ?? JSON.stringify(notification);
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  const repeated = [...keys].filter(([, n]) => n > 1);
  return {
    name: 'one SNS notification per incident update',
    held: sent.length > 0 && repeated.length === 0,
    detail: repeated.length === 0 ? `${sent.length} notifications` : repeated.map(([key, n]) => `${key} x${n}`).join(', '),
  };
}
