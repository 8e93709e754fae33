// What happened, kept where it cannot quietly change: a multi-region CloudTrail trail (log file
// validation, the Vigil key, S3 data events on the artifacts bucket, CloudWatch Logs) and the
// alert topic, encrypted with the same key.
import { CfnOutput, aws_cloudtrail as cloudtrail, aws_iam as iam, aws_logs as logs, aws_s3 as s3, aws_sns as sns, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { VigilDataStack } from './data-stack.js';
import { resourceNames, type InstallSettings } from './settings.js';

export interface AuditProps extends StackProps {
  data: VigilDataStack;
}

export class VigilAuditStack extends Stack {
  readonly topic: sns.Topic;
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, settings: InstallSettings, props: AuditProps) {
    super(scope, id, props);
    const names = resourceNames(settings, { account: this.account, region: this.region });
    const { key } = props.data;

    this.topic = new sns.Topic(this, 'Alerts', { topicName: names.topic, displayName: 'Vigil alerts', masterKey: key, enforceSSL: true });
    // CloudWatch alarms publish to the encrypted topic: they need the key.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    new CfnOutput(this, 'AlertsTopicArn', { value: this.topic.topicArn, description: 'aws.snsTopicArn' });

    const trailBucket = new s3.Bucket(this, 'TrailBucket', {
      bucketName: names.trailBucket,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsPrefix: 'access-logs/',
      lifecycleRules: [{ id: 'trail-to-infrequent-access', transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }] }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logGroup = new logs.LogGroup(this, 'TrailLogs', { logGroupName: `/${settings.prefix}/cloudtrail`, retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    key.grant(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`), 'kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*');
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: `${settings.prefix}-trail`,
      bucket: trailBucket,
      encryptionKey: key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    (this.trail.node.defaultChild as cloudtrail.CfnTrail).addMetadata('cfn-lint', {
      // The construct adds a DependsOn on its logs role, which the role's GetAtt already implies.
      config: { ignore_checks: ['W3005'] },
    });
    this.trail.addS3EventSelector([{ bucket: props.data.artifacts }], { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: false });
  }
}
