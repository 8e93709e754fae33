// One chaos run's world in aws mode: the aws loop's moto world (SageMaker shim, Athena on Trino or
// its twin, the pipeline's steps played locally), with the worker as its own process reaching AWS
// through a fault front, a Temporal dev server of the run's own (so it can be restarted) and the
// Slack stand-in. The front throttles, fails, resets and slows a seeded share of the worker's calls.
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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
  // A FIFO topic: the front resets connections after forwarding, and a Publish whose answer was
  // lost is sent again by the SDK; a standard topic delivers that twice (at least once, by contract).
  const world = await startAwsWorld({ fifoAlerts: true });
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
        checks.push(await alertsDeliveredOnce(world.motoUrl, world.topicArn, world.alertsQueueUrl ?? ''));
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

/** The idempotency key an SQS message from SNS carries (attribute idempotencyKey of its envelope), or its whole body. */
function idempotencyKeyOf(body: string): string {
  try {
    const envelope = JSON.parse(body) as { MessageAttributes?: Record<string, { Value?: unknown }> };
    const key = envelope.MessageAttributes?.['idempotencyKey']?.Value;
    return typeof key === 'string' ? key : body;
  } catch {
    return body;
  }
}

/**
 * One alert delivered per incident update: the subscribed FIFO queue holds no idempotency key
 * twice. The topic may have been asked more often (a Publish retried after its answer was lost);
 * the deduplication id Vigil sets is what keeps a repeat from the subscriber.
 */
async function alertsDeliveredOnce(motoUrl: string, topicArn: string, queueUrl: string): Promise<InvariantCheck> {
  const state = await motoState(motoUrl);
  const topic = (state['sns']?.['Topic'] ?? []).find((entry) => entry['arn'] === topicArn);
  const published = ((topic?.['sent_notifications'] ?? []) as unknown[]).length;
  const delivered = new Map<string, number>();
  for (const body of await drainQueue(motoUrl, queueUrl)) {
    const key = idempotencyKeyOf(body);
    delivered.set(key, (delivered.get(key) ?? 0) + 1);
  }
  const repeated = [...delivered].filter(([, n]) => n > 1);
  const total = [...delivered.values()].reduce((sum, n) => sum + n, 0);
  return {
    name: 'one alert delivered per incident update',
    held: total > 0 && repeated.length === 0,
    detail:
      repeated.length === 0
        ? `${total} delivered of ${published} published${published > total ? ` (${published - total} repeated Publish dropped by the FIFO deduplication)` : ''}`
        : repeated.map(([key, n]) => `${key} x${n}`).join(', '),
  };
}

/** Every message of the queue, received and deleted (a FIFO group yields its next message only once the one before is deleted). */
async function drainQueue(motoUrl: string, queueUrl: string): Promise<string[]> {
  const sqs = new SQSClient({ region: loopRegion, endpoint: motoUrl, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const bodies: string[] = [];
  try {
    for (;;) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
      const messages = received.Messages ?? [];
      if (messages.length === 0) return bodies;
      for (const message of messages) {
        bodies.push(message.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  } finally {
    sqs.destroy();
  }
}
