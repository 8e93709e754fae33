// Who may do what: the worker role (exactly the grants of permissions.ts, each scoped to Vigil's
// resources), the SageMaker execution role endpoints, training and processing run as, and the
// operator's managed policy for the CLI verbs a person runs (pipeline deploy, cost).
import { Arn, ArnFormat, CfnOutput, aws_iam as iam, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parseS3Uri } from '../src/adapters/aws/sagemaker/pipeline/pipeline-parameters.js';
import { layout, type VigilDataStack } from './data-stack.js';
import { grants, type GrantScope } from './permissions.js';
import { resourceNames, type InstallSettings } from './settings.js';

export interface AccessProps extends StackProps {
  data: VigilDataStack;
  topicArn: string;
}

export class VigilAccessStack extends Stack {
  readonly workerRole: iam.Role;
  readonly sageMakerRole: iam.Role;
  readonly operatorPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, settings: InstallSettings, props: AccessProps) {
    super(scope, id, props);
    const names = resourceNames(settings, { account: this.account, region: this.region });
    const { data } = props;

    this.sageMakerRole = new iam.Role(this, 'SageMakerExecutionRole', {
      roleName: names.sageMakerRole,
      description: 'Vigil: what SageMaker endpoints, training and processing jobs run as',
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });
    this.sageMakerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadArtifactsAndInputs',
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [data.artifacts.bucketArn, data.artifacts.arnForObjects('*')],
      }),
    );
    this.sageMakerRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'WritePipelineOutputs', actions: ['s3:PutObject'], resources: [data.artifacts.arnForObjects(`${layout.artifactsPrefix}models/*`)] }),
    );
    this.sageMakerRole.addToPolicy(new iam.PolicyStatement({ sid: 'UseKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'], resources: [data.key.keyArn] }));
    this.sageMakerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PullVigilImages',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [this.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${settings.prefix}-*` })],
      }),
    );
    // SageMaker reads the auto-rollback alarms during a blue/green update; DescribeAlarms takes no resource.
    this.sageMakerRole.addToPolicy(new iam.PolicyStatement({ sid: 'AutoRollbackAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }));
    // GetAuthorizationToken names no repository: IAM authorises it on "*" only.
    this.sageMakerRole.addToPolicy(new iam.PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    this.sageMakerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'JobLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    const grantScope: GrantScope = {
      arn: (service, resource, options) =>
        Arn.format({ service, resource, region: options?.region ?? this.region, account: options?.account ?? this.account, partition: this.partition }),
      models: settings.models,
      buckets: { artifacts: data.artifacts.bucketName, results: data.results.bucketName, athenaOutput: data.athenaOutput.bucketName },
      dataLocations: settings.dataLocations.map((uri) => {
        const { bucket, key } = parseS3Uri(uri, 'data location');
        return { bucket, prefix: key };
      }),
      database: data.database,
      workgroup: data.workgroup,
      pipelineName: settings.pipelineName,
      keyArn: data.key.keyArn,
      topicArn: props.topicArn,
      sageMakerRoleArn: this.sageMakerRole.roleArn,
      metricsNamespace: 'Vigil',
    };
    const statements = (who: 'worker' | 'operator'): iam.PolicyStatement[] =>
      grants
        .filter((grant) => grant.who === who)
        .map((grant) => ({ grant, resources: grant.resources(grantScope) }))
        .filter(({ resources }) => resources.length > 0)
        .map(({ grant, resources }) => new iam.PolicyStatement({ sid: grant.sid, actions: [...grant.actions], resources, ...(grant.conditions === undefined ? {} : { conditions: grant.conditions(grantScope) }) }));

    this.workerRole = new iam.Role(this, 'WorkerRole', {
      roleName: names.workerRole,
      description: 'Vigil worker: exactly the calls its activities make, on the resources of Vigil',
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), new iam.ServicePrincipal('ec2.amazonaws.com')),
      inlinePolicies: { vigil: new iam.PolicyDocument({ statements: statements('worker') }) },
    });
    new CfnOutput(this, 'WorkerRoleArn', { value: this.workerRole.roleArn, description: 'the role the worker runs as' });
    new CfnOutput(this, 'SageMakerExecutionRoleArn', { value: this.sageMakerRole.roleArn, description: 'aws.sagemaker.executionRoleArn' });
    this.operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      managedPolicyName: `${settings.prefix}-operator`,
      description: 'Vigil CLI verbs a person runs (pipeline deploy, cost report, cost tags), beside the worker policy',
      statements: statements('operator'),
    });
  }
}
