// SnsNotifier against moto's SNS over real HTTP; what was published is read back from moto's state.
import assert from 'node:assert/strict';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_SUBJECT_LENGTH, SnsNotifier, snsSubject } from '../../../../src/adapters/aws/sns/sns-notifier.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import type { Alert } from '../../../../src/domain/alerts/alert.js';
import { awsClientConfig, motoEndpoint, motoState, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';

interface Published {
  messageId: string;
  message: string;
  subject: string | null;
  attributes: Record<string, { DataType?: string; StringValue?: string; Type?: string; Value?: string }>;
}

/** The notifications moto recorded for a topic: tuples (id, message, subject, attributes, group). */
async function publishedTo(endpoint: string, topicArn: string): Promise<Published[]> {
  const state = await motoState(endpoint);
  const topic = (state.sns?.Topic ?? []).find((t) => t.arn === topicArn);
  assert.ok(topic !== undefined, `moto has no topic ${topicArn}`);
  const sent = topic.sent_notifications as [string, string, string | null, Published['attributes'] | null, string | null][];
  return sent.map(([messageId, message, subject, attributes]) => ({ messageId, message, subject, attributes: attributes ?? {} }));
}

function attributeValue(published: Published, name: string): string | undefined {
  const attribute = published.attributes[name];
  return attribute?.StringValue ?? attribute?.Value;
}

let topicCounter = 0;

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    incidentKey: 'churn:drift:age',
    severity: 'critical',
    model: 'churn',
    title: 'feature drift',
    window: { start: '2024-05-01T00:00:00Z', end: '2024-05-02T00:00:00Z' },
    breaches: [{ subject: 'age', metric: 'psi', value: 0.31, threshold: 0.2, excess: 0.11 }],
    runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/monitor-churn',
    ...overrides,
  };
}

describe('SnsNotifier (moto)', function () {
  let endpoint: string;
  let client: SNSClient;
  let topicArn: string;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    endpoint = await motoEndpoint();
    client = new SNSClient({ ...awsClientConfig(endpoint), maxAttempts: 1 });
  });

  beforeEach(async function () {
    topicCounter += 1;
    const created = await client.send(new CreateTopicCommand({ Name: `vigil-alerts-${process.pid}-${Date.now()}-${topicCounter}` }));
    assert.ok(created.TopicArn !== undefined);
    topicArn = created.TopicArn;
  });

  it('publishes an alert with subject, text and model/severity/incident attributes', async function () {
    const notifier = new SnsNotifier({ client, topicArn });
    const result = await notifier.notify(alert());
    assert.equal(result.channel, 'sns');
    assert.equal(result.updated, false);
    assert.ok(result.messageRef !== undefined && result.messageRef !== '');

    const published = await publishedTo(endpoint, topicArn);
    assert.equal(published.length, 1);
    const [message] = published;
    assert.ok(message !== undefined);
    assert.equal(message.messageId, result.messageRef);
    assert.equal(message.subject, '[CRITICAL] churn: feature drift');
    assert.match(message.message, /^CRITICAL churn: feature drift \[2024-05-01T00:00:00Z \.\. 2024-05-02T00:00:00Z\)/);
    assert.match(message.message, /age · psi = 0\.31, threshold 0\.2 \(by 0\.11\)/);
    assert.match(message.message, /run: http:\/\/127\.0\.0\.1:8233\//);
    assert.equal(attributeValue(message, 'model'), 'churn');
    assert.equal(attributeValue(message, 'severity'), 'critical');
    assert.equal(attributeValue(message, 'incidentKey'), 'churn:drift:age');
    assert.equal(attributeValue(message, 'status'), 'new');
  });

  it('publishes an ongoing incident as an update with the same incident key', async function () {
    const notifier = new SnsNotifier({ client, topicArn });
    const first = await notifier.notify(alert());
    assert.ok(first.messageRef !== undefined);
    const second = await notifier.notify(alert({ breaches: [{ subject: 'age', metric: 'psi', value: 0.4, threshold: 0.2, excess: 0.2 }] }), first.messageRef);
    assert.equal(second.updated, true);
    assert.ok(second.messageRef !== undefined && second.messageRef !== first.messageRef);

    const published = await publishedTo(endpoint, topicArn);
    assert.deepEqual(published.map((p) => p.messageId), [first.messageRef, second.messageRef]);
    const update = published[1];
    assert.ok(update !== undefined);
    assert.match(update.subject ?? '', /UPDATE \(ongoing\)/);
    assert.equal(attributeValue(update, 'incidentKey'), 'churn:drift:age');
    assert.equal(attributeValue(update, 'status'), 'update');
    assert.equal(attributeValue(update, 'previousMessageId'), first.messageRef);
    assert.match(update.message, /psi = 0\.4/);
    assert.match(update.message, new RegExp(`first reported as SNS message ${first.messageRef}`));
  });

  it('keeps long and non-ASCII titles within SNS subject rules', async function () {
    const notifier = new SnsNotifier({ client, topicArn });
    const title = `drift détectée\non ${'x'.repeat(200)}`;
    await notifier.notify(alert({ title }));
    const [message] = await publishedTo(endpoint, topicArn);
    assert.ok(message?.subject !== null && message?.subject !== undefined);
    assert.ok(message.subject.length <= MAX_SUBJECT_LENGTH);
    assert.match(message.subject, /^[\x20-\x7e]+$/);
    assert.equal(message.subject, snsSubject(alert({ title }), false));
  });

  it('maps publishing to a missing topic to NonRetryableError', async function () {
    const notifier = new SnsNotifier({ client, topicArn: `${topicArn}-missing` });
    await assert.rejects(notifier.notify(alert()), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /-missing/);
      return true;
    });
  });

  it('on a FIFO topic, a repeated publish of one incident update reaches an SQS FIFO subscriber once', async function () {
    const name = `vigil-alerts-${process.pid}-${Date.now()}.fifo`;
    const fifoTopic = (await client.send(new CreateTopicCommand({ Name: name, Attributes: { FifoTopic: 'true' } }))).TopicArn ?? '';
    const sqs = new SQSClient({ ...awsClientConfig(endpoint), maxAttempts: 1 });
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }))).QueueUrl ?? '';
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
      await client.send(new SubscribeCommand({ TopicArn: fifoTopic, Protocol: 'sqs', Endpoint: queueArn }));
      const notifier = new SnsNotifier({ client, topicArn: fifoTopic });
      // The same update sent twice (as after a lost answer), then the incident's next update.
      await notifier.notify(alert({ idempotencyKey: 'run-1/churn:drift:age' }));
      await notifier.notify(alert({ idempotencyKey: 'run-1/churn:drift:age' }));
      await notifier.notify(alert({ idempotencyKey: 'run-2/churn:drift:age' }), 'previous-message');
      assert.equal((await publishedTo(endpoint, fifoTopic)).length, 3, 'the topic was asked three times');
      const keys: string[] = [];
      for (;;) {
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if ((received.Messages ?? []).length === 0) break;
        for (const message of received.Messages ?? []) {
          const envelope = JSON.parse(message.Body ?? '{}') as { MessageAttributes?: Record<string, { Value?: string }> };
          keys.push(envelope.MessageAttributes?.['idempotencyKey']?.Value ?? '');
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
      assert.deepEqual(keys, ['run-1/churn:drift:age', 'run-2/churn:drift:age']);
    } finally {
      sqs.destroy();
    }
  });
});
