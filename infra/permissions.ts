// Every permission Vigil's code needs, in one table: the worker role's policy and the operator's
// are built from it, the README's table is generated from it, and a test proves it against the
// code — each AWS SDK call in src is granted, and each grant names calls the code makes (or says
// which service acts on the caller's behalf, such as Athena reading Glue and S3).

/** What the stacks know when they build a grant's resources (ARNs may hold CloudFormation tokens). */
export interface GrantScope {
  /** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
  arn(service: string, resource: string, options?: { region?: string; account?: string }): string;
  models: readonly string[];
  buckets: { artifacts: string; results: string; athenaOutput: string };
  /** Buckets and prefixes of the tables Vigil reads (production log, labels, baseline). */
  dataLocations: readonly { bucket: string; prefix: string }[];
  database: string;
  workgroup: string;
  pipelineName: string;
  keyArn: string;
  topicArn: string;
  sageMakerRoleArn: string;
  metricsNamespace: string;
}

export interface Grant {
  sid: string;
  /** The worker role, or an operator running `vigil pipeline deploy`, `vigil cost ...` (beside the worker's policy). */
  who: 'worker' | 'operator';
  actions: readonly string[];
  resources(scope: GrantScope): string[];
  conditions?(scope: GrantScope): Record<string, Record<string, string | string[]>>;
  /** The SDK calls ("Service.Operation") that need these actions; empty when a service acts for the caller. */
  calls: readonly string[];
  why: string;
}

const vigilBuckets = (scope: GrantScope): string[] => [scope.buckets.artifacts, scope.buckets.results, scope.buckets.athenaOutput];
/** S3 ARNs name no region or account. */
const s3Arn = (scope: GrantScope, bucket: string, key?: string): string => scope.arn('s3', `${bucket}${key === undefined ? '' : `/${key}`}`, { region: '', account: '' });
const perModel = (scope: GrantScope, kind: string, name: (model: string) => string): string[] => scope.models.map((model) => scope.arn('sagemaker', `${kind}/${name(model)}`));
/** SageMaker ARNs carry names in lower case. */
const lower = (text: string): string => text.toLowerCase();

export const grants: readonly Grant[] = [
  {
    sid: 'AthenaQueries',
    who: 'worker',
    actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
    resources: (scope) => [scope.arn('athena', `workgroup/${scope.workgroup}`)],
    calls: ['Athena.StartQueryExecution', 'Athena.GetQueryExecution', 'Athena.GetQueryResults', 'Athena.StopQueryExecution', 'Athena.GetWorkGroup'],
    why: 'monitoring SQL, result tables (UNLOAD, partitions), the cleanup plan’s workgroup check',
  },
  {
    sid: 'GlueCatalogForAthena',
    who: 'worker',
    // UpdateTable: CREATE OR REPLACE VIEW rewrites the BI views in place.
    actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition', 'glue:CreatePartition', 'glue:BatchCreatePartition'],
    resources: (scope) => [scope.arn('glue', 'catalog'), scope.arn('glue', `database/${scope.database}`), scope.arn('glue', `table/${scope.database}/*`)],
    calls: [],
    why: 'Athena reads and registers tables, partitions and the BI views in the Glue catalog as the caller',
  },
  {
    sid: 'GlueStagedTables',
    who: 'worker',
    actions: ['glue:DeleteTable'],
    resources: (scope) => [scope.arn('glue', 'catalog'), scope.arn('glue', `database/${scope.database}`), scope.arn('glue', `table/${scope.database}/vigil_staged_*`)],
    calls: [],
    why: "Athena drops the tables an analysis staged (DROP TABLE as the caller); no other table's",
  },
  {
    sid: 'VigilObjects',
    who: 'worker',
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    resources: (scope) => vigilBuckets(scope).map((bucket) => s3Arn(scope, bucket, '*')),
    calls: ['S3.GetObject', 'S3.PutObject', 'S3.DeleteObject', 'S3.DeleteObjects', 'S3.CopyObject'],
    why: 'artifacts, pipeline inputs and outputs, incidents, result tables; Athena writes query output and UNLOADs as the caller',
  },
  {
    sid: 'VigilBuckets',
    who: 'worker',
    actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
    resources: (scope) => vigilBuckets(scope).map((bucket) => s3Arn(scope, bucket)),
    calls: ['S3.ListObjectsV2'],
    why: 'listing a version’s or a partition’s objects; Athena locates its output',
  },
  {
    sid: 'VigilLifecycle',
    who: 'worker',
    actions: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
    resources: (scope) => vigilBuckets(scope).map((bucket) => s3Arn(scope, bucket)),
    calls: ['S3.GetBucketLifecycleConfiguration', 'S3.PutBucketLifecycleConfiguration'],
    why: 'the cleanup keeps its lifecycle rules beside the owner’s',
  },
  {
    sid: 'ReadMonitoredData',
    who: 'worker',
    actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
    resources: (scope) => scope.dataLocations.flatMap(({ bucket, prefix }) => [s3Arn(scope, bucket), s3Arn(scope, bucket, `${prefix}*`)]),
    calls: [],
    why: 'Athena reads the production log, labels and baseline tables as the caller',
  },
  {
    sid: 'VigilKey',
    who: 'worker',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resources: (scope) => [scope.keyArn],
    calls: [],
    why: 'S3 and SNS encrypt and decrypt with the Vigil key for the caller',
  },
  {
    sid: 'ModelVersions',
    who: 'worker',
    actions: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:DeleteModel'],
    resources: (scope) => perModel(scope, 'model', (model) => `${lower(model)}-*`),
    calls: ['SageMaker.CreateModel', 'SageMaker.DescribeModel', 'SageMaker.DeleteModel'],
    why: 'one SageMaker Model per version (named <model>-<version>)',
  },
  {
    sid: 'EndpointConfigs',
    who: 'worker',
    actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig'],
    resources: (scope) => perModel(scope, 'endpoint-config', (model) => `${lower(model)}-*`),
    calls: ['SageMaker.CreateEndpointConfig', 'SageMaker.DescribeEndpointConfig', 'SageMaker.DeleteEndpointConfig'],
    why: 'one endpoint config per version and endpoint',
  },
  {
    sid: 'Endpoints',
    who: 'worker',
    actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:InvokeEndpoint'],
    // CreateEndpoint and UpdateEndpoint are authorised on the endpoint and on the config it takes.
    resources: (scope) => [...perModel(scope, 'endpoint', (model) => `${lower(model)}-*`), ...perModel(scope, 'endpoint-config', (model) => `${lower(model)}-*`)],
    calls: ['SageMaker.CreateEndpoint', 'SageMaker.UpdateEndpoint', 'SageMaker.DescribeEndpoint', 'SageMaker.DeleteEndpoint', 'SageMakerRuntime.InvokeEndpoint'],
    why: 'staging and production endpoints (named <model>-...): deploys, smoke tests, scoring, blue/green moves',
  },
  {
    sid: 'Tags',
    who: 'worker',
    actions: ['sagemaker:AddTags', 'sagemaker:ListTags'],
    resources: (scope) => [
      ...perModel(scope, 'model', (model) => `${lower(model)}-*`),
      ...perModel(scope, 'endpoint-config', (model) => `${lower(model)}-*`),
      ...perModel(scope, 'endpoint', (model) => `${lower(model)}-*`),
      ...perModel(scope, 'model-package-group', (model) => `vigil-${lower(model)}`),
      ...perModel(scope, 'model-package', (model) => `vigil-${lower(model)}/*`),
      scope.arn('sagemaker', `pipeline/${lower(scope.pipelineName)}`),
    ],
    // AddTags also authorises the Tags a Create call carries; the worker tags everything it creates that way.
    calls: ['SageMaker.ListTags'],
    why: 'cost tags on what Vigil creates (AddTags, checked for Tags on CreateModel/CreateEndpoint...); a version’s exact name read back from its tags',
  },
  {
    sid: 'ListWithoutResourceScope',
    who: 'worker',
    actions: ['sagemaker:ListModels', 'sagemaker:ListEndpointConfigs', 'sagemaker:ListEndpoints', 'sagemaker:ListModelPackages'],
    // These List operations take no resource: IAM authorises them on "*" only.
    resources: () => ['*'],
    calls: ['SageMaker.ListModels', 'SageMaker.ListEndpointConfigs', 'SageMaker.ListEndpoints', 'SageMaker.ListModelPackages'],
    why: 'finding a model’s versions and configs (filtered by name in the call)',
  },
  {
    sid: 'Registry',
    who: 'worker',
    actions: ['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
    resources: (scope) => [...perModel(scope, 'model-package-group', (model) => `vigil-${lower(model)}`), ...perModel(scope, 'model-package', (model) => `vigil-${lower(model)}/*`)],
    calls: ['SageMaker.CreateModelPackageGroup', 'SageMaker.DescribeModelPackageGroup', 'SageMaker.CreateModelPackage', 'SageMaker.DescribeModelPackage', 'SageMaker.UpdateModelPackage'],
    why: 'each candidate a package of the model’s group (vigil-<model>), approved or rejected with who decided',
  },
  {
    sid: 'TrainingPipeline',
    who: 'worker',
    actions: ['sagemaker:StartPipelineExecution', 'sagemaker:ListPipelineExecutions', 'sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps', 'sagemaker:ListPipelineParametersForExecution'],
    resources: (scope) => [scope.arn('sagemaker', `pipeline/${lower(scope.pipelineName)}`), scope.arn('sagemaker', `pipeline/${lower(scope.pipelineName)}/execution/*`)],
    calls: ['SageMaker.StartPipelineExecution', 'SageMaker.ListPipelineExecutions', 'SageMaker.DescribePipelineExecution', 'SageMaker.ListPipelineExecutionSteps', 'SageMaker.ListPipelineParametersForExecution'],
    why: 'retraining runs as executions of the one pipeline',
  },
  {
    sid: 'PassExecutionRole',
    who: 'worker',
    actions: ['iam:PassRole'],
    resources: (scope) => [scope.sageMakerRoleArn],
    conditions: () => ({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }),
    calls: [],
    why: 'CreateModel (and an operator’s CreatePipeline, beside this policy) hands SageMaker its execution role, and only to SageMaker',
  },
  {
    sid: 'Metrics',
    who: 'worker',
    actions: ['cloudwatch:PutMetricData'],
    // PutMetricData takes no resource; the namespace condition keeps it to Vigil's.
    resources: () => ['*'],
    conditions: (scope) => ({ StringEquals: { 'cloudwatch:namespace': scope.metricsNamespace } }),
    calls: ['CloudWatch.PutMetricData'],
    why: 'each window’s metrics',
  },
  {
    sid: 'Alerts',
    who: 'worker',
    actions: ['sns:Publish'],
    resources: (scope) => [scope.topicArn],
    calls: ['SNS.Publish'],
    why: 'incident alerts and approval requests',
  },
  {
    sid: 'DeployPipeline',
    who: 'operator',
    actions: ['sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:DescribePipeline'],
    resources: (scope) => [scope.arn('sagemaker', `pipeline/${lower(scope.pipelineName)}`)],
    calls: ['SageMaker.CreatePipeline', 'SageMaker.UpdatePipeline', 'SageMaker.DescribePipeline', 'SageMaker.AddTags'],
    why: '`vigil pipeline deploy` (its tags through the worker’s AddTags grant on the pipeline)',
  },
  {
    sid: 'ThresholdAlarms',
    who: 'operator',
    // TagResource: PutMetricAlarm tags a new alarm (alarms are billed per alarm-month).
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'],
    resources: (scope) => [scope.arn('cloudwatch', 'alarm:vigil-*')],
    calls: ['CloudWatch.PutMetricAlarm', 'CloudWatch.DescribeAlarms', 'CloudWatch.DeleteAlarms'],
    why: '`vigil alarms apply` and `vigil schedules apply`: the alarms vigil-<model>-... follow the config',
  },
  {
    sid: 'ModelDashboards',
    who: 'operator',
    actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
    // Dashboards are global: their ARNs name no region.
    resources: (scope) => [scope.arn('cloudwatch', 'dashboard/vigil-*', { region: '' })],
    calls: ['CloudWatch.PutDashboard', 'CloudWatch.GetDashboard', 'CloudWatch.DeleteDashboards'],
    why: '`vigil alarms apply` and `vigil schedules apply`: each model’s dashboard vigil-<model> follows its alarms',
  },
  {
    sid: 'FindRemovedDashboards',
    who: 'operator',
    actions: ['cloudwatch:ListDashboards'],
    // ListDashboards has no resource-level permissions.
    resources: () => ['*'],
    calls: ['CloudWatch.ListDashboards'],
    why: '`vigil alarms apply` over the whole config: finds the dashboards of models taken out of it',
  },
  {
    sid: 'CostByModel',
    who: 'operator',
    actions: ['ce:GetCostAndUsage'],
    // Cost Explorer has no resource-level permissions.
    resources: () => ['*'],
    calls: ['CostExplorer.GetCostAndUsage'],
    why: '`vigil cost report`',
  },
  {
    sid: 'BucketTags',
    who: 'operator',
    actions: ['s3:GetBucketTagging'],
    resources: (scope) => vigilBuckets(scope).map((bucket) => s3Arn(scope, bucket)),
    calls: ['S3.GetBucketTagging'],
    why: '`vigil cost tags`',
  },
];

/** IAM actions of an SDK call where they are not the service prefix and the operation's name. */
export const callActions: Readonly<Record<string, readonly string[]>> = {
  'S3.ListObjectsV2': ['s3:ListBucket'],
  'S3.DeleteObjects': ['s3:DeleteObject'],
  'S3.CopyObject': ['s3:GetObject', 's3:PutObject'],
  'S3.GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  'S3.PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  'SageMakerRuntime.InvokeEndpoint': ['sagemaker:InvokeEndpoint'],
  'CostExplorer.GetCostAndUsage': ['ce:GetCostAndUsage'],
};

const servicePrefix: Readonly<Record<string, string>> = { Athena: 'athena', S3: 's3', SageMaker: 'sagemaker', SageMakerRuntime: 'sagemaker', CloudWatch: 'cloudwatch', SNS: 'sns', CostExplorer: 'ce', Kinesis: 'kinesis' };

/** The IAM actions one SDK call needs. */
export function actionsOf(call: string): readonly string[] {
  const mapped = callActions[call];
  if (mapped !== undefined) return mapped;
  const [service, operation] = call.split('.');
  const prefix = servicePrefix[service ?? ''];
  if (prefix === undefined || operation === undefined) throw new Error(`no IAM prefix known for the SDK call ${call}`);
  return [`${prefix}:${operation}`];
}
