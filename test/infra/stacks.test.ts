// The synthesized stacks hold what the security issue asks of them; cdk-nag's AwsSolutions finds
// nothing that is not acknowledged with a reason; the Glue tables are the ones the Athena adapter
// writes; the worker role carries the permissions table, scoped.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildVigilApp, type VigilApp } from '../../infra/build-app.js';
import { acknowledgeWildcards } from '../../infra/nag-acknowledgements.js';
import { grants } from '../../infra/permissions.js';
import { SettingsError } from '../../infra/settings.js';
import { resultTableNames, resultTables } from '../../src/domain/sql/tables.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('the Vigil CDK app', function () {
  this.timeout(120_000);
  let built: VigilApp;
  let outdir: string;
  let data: Template;
  let access: Template;
  let audit: Template;

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'vigil-cdk-'));
    built = buildVigilApp({ models: 'demand,churn', account: '123456789012', region: 'eu-west-1', dataLocations: 's3://acme-ml-logs/demand/' }, { outdir });
    data = Template.fromStack(built.stacks.data);
    access = Template.fromStack(built.stacks.access);
    audit = Template.fromStack(built.stacks.audit);
  });

  after(() => rm(outdir, { recursive: true, force: true }));

  it('leaves no cdk-nag AwsSolutions finding unacknowledged, and acknowledges only wildcard resources', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    assert.deepEqual(report.violations.map((violation) => violation.ruleName), []);
    const acknowledged = built.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules' || /acknowledged/i.test(entry.type)).flatMap((entry) => Object.keys(entry.data as object)));
    assert.ok(acknowledged.length > 0);
    for (const id of acknowledged) assert.match(id, /AwsSolutions-IAM5\[Resource::/, id);
  });

  it('leaves a wildcard no reason covers as a finding (it would fail the synth)', () => {
    const app = new App();
    const stack = new Stack(app, 'Other');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::someone-else/*', 'arn:aws:s3:::acme-ml-logs/demand/*'] }));
    app.synth();
    assert.deepEqual(acknowledgeWildcards(app, ['acme-ml-logs']), ['AwsSolutions-IAM5[Resource::arn:aws:s3:::someone-else/*] at Other/Role/DefaultPolicy/Resource']);
  });

  it('encrypts the buckets with the rotating key, blocks public access, versions, and refuses plain HTTP and other encryption', () => {
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const buckets = data.findResources('AWS::S3::Bucket') as Resources;
    const kmsBuckets = Object.values(buckets).filter((bucket) => JSON.stringify(bucket.Properties['BucketEncryption']).includes('aws:kms'));
    assert.equal(kmsBuckets.length, 3, 'artifacts, results, Athena output');
    for (const bucket of Object.values(buckets)) {
      assert.deepEqual(bucket.Properties['PublicAccessBlockConfiguration'], { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      assert.deepEqual(bucket.Properties['VersioningConfiguration'], { Status: 'Enabled' });
    }
    for (const bucket of kmsBuckets) assert.ok(bucket.Properties['LoggingConfiguration'] !== undefined, 'access logged');
    const policies = Object.values(data.findResources('AWS::S3::BucketPolicy') as Resources).map((policy) => JSON.stringify(policy.Properties['PolicyDocument']));
    assert.equal(policies.filter((policy) => policy.includes('"aws:SecureTransport":"false"')).length, 4);
    assert.equal(policies.filter((policy) => policy.includes('DenyOtherEncryption') && policy.includes('"s3:x-amz-server-side-encryption":"aws:kms"')).length, 3);
  });

  it("puts Vigil's lifecycle rules on its prefixes", () => {
    const rules = Object.values(data.findResources('AWS::S3::Bucket') as Resources).flatMap(
      (bucket) => ((bucket.Properties['LifecycleConfiguration'] as { Rules?: { Id: string; Prefix?: string; ExpirationInDays?: number }[] } | undefined)?.Rules ?? []),
    );
    const byId = new Map(rules.map((rule) => [rule.Id, rule]));
    assert.equal(byId.get('vigil-athena-output')?.ExpirationInDays, 7);
    assert.equal(byId.get('vigil-quarantine')?.Prefix, 'tables/quarantine/');
    assert.equal(byId.get('vigil-pipeline-inputs')?.Prefix, 'pipeline-inputs/');
    assert.ok(byId.has('vigil-results-infrequent-access'));
  });

  it('defines the Glue tables the Athena adapter writes, column for column', () => {
    const tables = Object.values(data.findResources('AWS::Glue::Table') as Resources)
      .map((table) => table.Properties['TableInput'] as { Name: string; TableType: string; PartitionKeys: { Name: string }[]; StorageDescriptor: { Columns: { Name: string; Type: string }[]; Location: string } })
      .filter((table) => table.TableType === 'EXTERNAL_TABLE'); // the BI views: dashboards-stack.test.ts
    assert.deepEqual(tables.map((table) => table.Name).sort(), [...resultTableNames].sort());
    for (const table of tables) {
      const spec = resultTables[table.Name as keyof typeof resultTables];
      assert.deepEqual(table.PartitionKeys.map((key) => key.Name), spec.partitionKeys);
      assert.deepEqual(table.StorageDescriptor.Columns.map((column) => column.Name), spec.columns.filter((c) => !spec.partitionKeys.includes(c.name)).map((c) => c.name));
      assert.equal(table.StorageDescriptor.Location, `s3://vigil-results-123456789012-eu-west-1/tables/${table.Name}/`);
    }
  });

  it('enforces the workgroup: its output location, SSE-KMS, a bytes-scanned cutoff', () => {
    data.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'vigil',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        ResultConfiguration: { OutputLocation: 's3://vigil-athena-output-123456789012-eu-west-1/output/', EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }) },
      }),
    });
  });

  it('gives the worker exactly the grants of the permissions table, no wildcard action, PassRole only to SageMaker', () => {
    const [role] = Object.values(access.findResources('AWS::IAM::Role', { Properties: { RoleName: 'vigil-worker' } }) as Resources);
    const statements = ((role?.Properties['Policies'] as { PolicyDocument: { Statement: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] } }[])[0]?.PolicyDocument.Statement ?? []);
    assert.deepEqual(statements.map((statement) => statement.Sid).sort(), grants.filter((grant) => grant.who === 'worker').map((grant) => grant.sid).sort());
    for (const statement of statements) for (const action of [statement.Action].flat()) assert.doesNotMatch(action, /\*/, `${statement.Sid}: ${action}`);
    const passRole = statements.find((statement) => statement.Sid === 'PassExecutionRole');
    assert.deepEqual(passRole?.Condition, { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    const models = JSON.stringify(statements.find((statement) => statement.Sid === 'ModelVersions')?.Resource);
    assert.match(models, /model\/demand-\*/);
    assert.match(models, /model\/churn-\*/);
    assert.match(JSON.stringify(statements.find((statement) => statement.Sid === 'ReadMonitoredData')?.Resource), /acme-ml-logs\/demand\/\*/);
  });

  it('keeps an audit trail: multi-region, validated, encrypted, with the artifacts bucket’s data events, to CloudWatch Logs; the topic encrypted', () => {
    audit.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      EventSelectors: Match.arrayWith([Match.objectLike({ DataResources: Match.arrayWith([Match.objectLike({ Type: 'AWS::S3::Object' })]) })]),
    });
    audit.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'vigil-alerts', KmsMasterKeyId: Match.anyValue() });
  });

  it('refuses bad settings with every problem listed', () => {
    assert.throws(
      () => buildVigilApp({ models: 'Bad_Model', account: '12', bytesScannedCutoffPerQuery: '5' }),
      (error: unknown) => {
        assert.ok(error instanceof SettingsError);
        assert.equal(error.problems.length, 3, error.message);
        assert.match(error.message, /account: must be a 12-digit AWS account id \(got "12"\)/);
        return true;
      },
    );
  });
});
