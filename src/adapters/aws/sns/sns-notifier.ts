// Sends alerts to an SNS topic (email, chat bridges, pagers subscribe to it). SNS messages cannot be
// edited, so an incident that persists is published again as an update carrying the same
// incident key, which subscribers can filter or group on.
import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient, type MessageAttributeValue, type SNSClientConfig } from '@aws-sdk/client-sns';
import { alertLines } from '../../../domain/alerts/format.js';
import { NonRetryableError } from '../../../domain/errors.js';
import type { Alert } from '../../../domain/alerts/alert.js';
import type { Notifier, NotifyResult } from '../../../ports/notifier.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../errors.js';

/** SNS requires subjects under 100 characters, ASCII, with no line breaks or control characters. */
export const MAX_SUBJECT_LENGTH = 99;

/** SNS caps a message at 256 KiB; leave room for attributes. */
const MAX_MESSAGE_BYTES = 250_000;

export interface SnsNotifierOptions {
  topicArn: string;
  /** A ready client (its own retry settings apply); otherwise one is built from clientConfig. */
  client?: SNSClient;
  clientConfig?: SNSClientConfig;
}

export function snsSubject(alert: Alert, ongoing: boolean): string {
  const text = `[${alert.severity.toUpperCase()}]${ongoing ? ' UPDATE (ongoing):' : ''} ${alert.model}: ${alert.title}`;
  // Non-ASCII and control characters (including newlines) are refused by SNS.
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

export function snsMessage(alert: Alert, previousRef?: string): string {
  const lines = alertLines(alert);
  lines.push(`  incident: ${alert.incidentKey}`);
  if (previousRef !== undefined) lines.push(`  ongoing incident; first reported as SNS message ${previousRef}`);
  const text = lines.join('\n');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_MESSAGE_BYTES) return text;
  // Cutting bytes may split a character; the decoder replaces the fragment instead of failing.
  return `${bytes.subarray(0, MAX_MESSAGE_BYTES).toString('utf8')}\n  ... (truncated)`;
}

function stringAttribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

export class SnsNotifier implements Notifier {
  readonly channel = 'sns';
  readonly topicArn: string;
  private readonly client: SNSClient;

  constructor(options: SnsNotifierOptions) {
    if (options.topicArn === '') throw new NonRetryableError('SnsNotifier needs a topic ARN', 'INVALID_INPUT');
    this.topicArn = options.topicArn;
    // The SDK's standard retry strategy retries throttling, 5xx and network errors with backoff.
    this.client = options.client ?? new SNSClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...options.clientConfig });
  }

  /**
   * A FIFO topic drops a repeat of the same deduplication id within five minutes, so a retried
   * send publishes once; a standard topic delivers the idempotencyKey attribute for subscribers.
   */
  private fifoFields(alert: Alert): { MessageGroupId?: string; MessageDeduplicationId?: string } {
    if (!this.topicArn.endsWith('.fifo')) return {};
    const dedupe = alert.idempotencyKey ?? `${alert.incidentKey}:${alert.title}`;
    return {
      // Ordered per incident; ids are limited to 128 characters, so both are hashed.
      MessageGroupId: createHash('sha256').update(alert.incidentKey).digest('hex'),
      MessageDeduplicationId: createHash('sha256').update(dedupe).digest('hex'),
    };
  }

  async notify(alert: Alert, previousRef?: string): Promise<NotifyResult> {
    const ongoing = previousRef !== undefined;
    const attributes: Record<string, MessageAttributeValue> = {
      severity: stringAttribute(alert.severity),
      status: stringAttribute(ongoing ? 'update' : 'new'),
    };
    // SNS refuses empty attribute values.
    if (alert.model !== '') attributes.model = stringAttribute(alert.model);
    if (alert.incidentKey !== '') attributes.incidentKey = stringAttribute(alert.incidentKey);
    if (ongoing && previousRef !== '') attributes.previousMessageId = stringAttribute(previousRef);
    if (alert.idempotencyKey !== undefined && alert.idempotencyKey !== '') attributes.idempotencyKey = stringAttribute(alert.idempotencyKey);
    let messageId: string | undefined;
    try {
      const output = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: snsSubject(alert, ongoing),
          Message: snsMessage(alert, previousRef),
          MessageAttributes: attributes,
          ...this.fifoFields(alert),
        }),
      );
      messageId = output.MessageId;
    } catch (error) {
      throw classifyAwsError(error, `SNS Publish to ${this.topicArn} (incident ${alert.incidentKey})`);
    }
    return { channel: this.channel, messageRef: messageId, updated: ongoing };
  }
}
