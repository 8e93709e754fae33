// Where Vigil's data lives on AWS: one KMS key, the artifacts, results and Athena output buckets
// (SSE-KMS, no public access, versioned, TLS only, access logged, Vigil's lifecycle rules), the Glue
// database and result tables exactly as the Athena adapter writes them, the BI views over them,
// and an enforced workgroup.
import { aws_athena as athena, CfnOutput, aws_glue as glue, aws_iam as iam, aws_kms as kms, aws_s3 as s3, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { lifecycleRules, type StorageRule } from '../src/domain/cleanup/lifecycle.js';
import { biViewNames, biViews } from '../src/domain/dashboard/bi-views.js';
import { resultTableNames, resultTables } from '../src/domain/sql/tables.js';
import type { DdlType } from '../src/domain/sql/dialect.js';
import { glueViewInput, hiveType } from './glue-views.js';
import { resourceNames, type InstallSettings } from './settings.js';

/** Where the stacks put Vigil's objects; the config's aws.* locations must name the same. */
export const layout = { resultsPrefix: 'tables/', athenaOutputPrefix: 'output/', artifactsPrefix: '' };

/** The lifecycle days Vigil's config defaults to (aws.lifecycle). */
const lifecycleDays = { athenaOutputDays: 7, quarantineDays: 90, trainingInputDays: 30, resultsInfrequentAccessDays: 90 };


export class VigilDataStack extends Stack {
  readonly key: kms.Key;
  readonly artifacts: s3.Bucket;
  readonly results: s3.Bucket;
  readonly athenaOutput: s3.Bucket;
  readonly database: string;
  readonly workgroup: string;

  constructor(scope: Construct, id: string, settings: InstallSettings, props?: StackProps) {
    super(scope, id, props);
    const names = resourceNames(settings, { account: this.account, region: this.region });
    this.database = names.database;
    this.workgroup = names.workgroup;

    this.key = new kms.Key(this, 'Key', {
      alias: names.keyAlias,
      description: 'Vigil: artifacts, results, Athena output, alerts, audit trail',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Server access logs cannot be delivered to an SSE-KMS bucket: this one alone uses SSE-S3.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (accessLogs.node.defaultChild as s3.CfnBucket).addMetadata('checkov', {
      skip: [{ id: 'CKV_AWS_18', comment: 'the access-log bucket itself: logging it into itself would loop' }],
    });

    const rules = lifecycleRules({
      athenaOutput: { bucket: names.athenaOutputBucket, prefix: layout.athenaOutputPrefix },
      results: { bucket: names.resultsBucket, prefix: layout.resultsPrefix },
      pipelineInputs: { bucket: names.artifactsBucket, prefix: `${layout.artifactsPrefix}pipeline-inputs/` },
      days: lifecycleDays,
    });
    const bucket = (id: string, name: string): s3.Bucket => {
      const created = new s3.Bucket(this, id, {
        bucketName: name,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${name}/`,
        lifecycleRules: [
          ...rules.filter((rule) => rule.bucket === name).map(lifecycleRule),
          // Versioning keeps what a rule or a cleanup deleted; the old versions go after 30 days. Not a
          // "vigil-" id: the cleanup rewrites only its own rules and keeps this one.
          { id: 'noncurrent-versions', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // Encryption is on by default; a put asking for anything but the Vigil key's SSE-KMS is refused.
      created.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyOtherEncryption',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [created.arnForObjects('*')],
          conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        }),
      );
      return created;
    };
    this.artifacts = bucket('Artifacts', names.artifactsBucket);
    this.results = bucket('Results', names.resultsBucket);
    this.athenaOutput = bucket('AthenaOutput', names.athenaOutputBucket);

    const database = new glue.CfnDatabase(this, 'Database', { catalogId: this.account, databaseInput: { name: names.database, description: 'Vigil result tables' } });
    const tables = new Map<string, glue.CfnTable>();
    for (const table of resultTableNames) {
      const spec = resultTables[table];
      const column = (c: { name: string; type: DdlType }) => ({ name: c.name, type: hiveType[c.type] });
      const created = new glue.CfnTable(this, `Table-${table}`, {
        catalogId: this.account,
        databaseName: names.database,
        tableInput: {
          name: table,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'parquet', 'parquet.compression': 'SNAPPY' },
          partitionKeys: spec.columns.filter((c) => spec.partitionKeys.includes(c.name)).map(column),
          storageDescriptor: {
            columns: spec.columns.filter((c) => !spec.partitionKeys.includes(c.name)).map(column),
            location: `s3://${names.resultsBucket}/${layout.resultsPrefix}${table}/`,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          },
        },
      });
      created.addResourceDependency(database);
      tables.set(table, created);
    }
    for (const view of biViewNames) {
      const created = new glue.CfnTable(this, `View-${view}`, { catalogId: this.account, databaseName: names.database, tableInput: glueViewInput(view, names.database) });
      for (const table of biViews[view].reads) {
        const read = tables.get(table);
        if (read !== undefined) created.addResourceDependency(read);
      }
    }

    // What the Vigil config's aws section names (README, "Install on AWS").
    const output = (id: string, value: string, description: string): CfnOutput => new CfnOutput(this, id, { value, description });
    output('ArtifactsLocation', `s3://${names.artifactsBucket}/${layout.artifactsPrefix}`, 'aws.artifactsLocation');
    output('ResultsLocation', `s3://${names.resultsBucket}/${layout.resultsPrefix}`, 'aws.resultsLocation');
    output('AthenaOutputLocation', `s3://${names.athenaOutputBucket}/${layout.athenaOutputPrefix}`, 'aws.athena.outputLocation');
    output('AthenaWorkgroup', names.workgroup, 'aws.athena.workgroup');
    output('AthenaDatabase', names.database, 'aws.athena.database');
    output('KmsKeyId', this.key.keyArn, 'aws.kmsKeyId');

    new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: names.workgroup,
      description: 'Vigil monitoring queries',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: settings.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${names.athenaOutputBucket}/${layout.athenaOutputPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
        },
      },
    });
  }
}

function lifecycleRule(rule: StorageRule): s3.LifecycleRule {
  return {
    id: rule.id,
    prefix: rule.prefix,
    ...(rule.expireAfterDays === undefined ? {} : { expiration: Duration.days(rule.expireAfterDays) }),
    ...(rule.infrequentAccessAfterDays === undefined
      ? {}
      : { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(rule.infrequentAccessAfterDays) }] }),
  };
}
