// cdk-nag's AwsSolutions-IAM5 reports every resource ARN with a wildcard. Vigil's policies hold
// wildcards only where names are made at run time under a fixed, Vigil-owned prefix, or where IAM
// authorises an action on "*" alone. Each such finding is acknowledged here by the rule that
// explains it; a wildcard matching no rule stays a finding and fails the synth.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

interface WildcardReason {
  /** Matched against the finding's resource text (after "Resource::"). */
  pattern: RegExp;
  reason: string;
}

/** A Vigil bucket as a finding names it: the data stack's export of the bucket's name or ARN. */
const vigilBucket = '[A-Za-z0-9]+Data:ExportsOutput(Ref|FnGetAtt)(Artifacts|Results|AthenaOutput)[0-9A-F]{8}[0-9A-Za-z]*';

/** The reasons a wildcard resource is acknowledged; the monitored data's buckets come from the settings. */
export function wildcardReasons(dataBuckets: readonly string[]): WildcardReason[] {
  const data = dataBuckets.map((bucket) => bucket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return [
    {
      pattern: /^\*$/,
      reason:
        'actions IAM authorises on "*" only: sagemaker:ListModels/ListEndpointConfigs/ListEndpoints/ListModelPackages, cloudwatch:PutMetricData (held to the Vigil namespace by condition), ce:GetCostAndUsage, ecr:GetAuthorizationToken, cloudwatch:DescribeAlarms (read by SageMaker for auto-rollback)',
    },
    { pattern: new RegExp(`^(arn:[^/]*:s3:::)?${vigilBucket}/(models/|tables/|output/)?\\*$`), reason: "objects of Vigil's own buckets (or of their result-table and Athena-output prefixes): keys are made per version, partition and query at run time" },
    ...(data === '' ? [] : [{ pattern: new RegExp(`:s3:::(${data})/[^*]*\\*$`), reason: 'the objects of the monitored tables under their configured locations (dataLocations)' }]),
    { pattern: /:sagemaker:.*:(model|endpoint-config|endpoint)\/[a-z0-9-]+-\*$/, reason: 'SageMaker resources Vigil names <model>-<version>[-<endpoint>] at run time, one pattern per managed model' },
    { pattern: /:sagemaker:.*:model-package\/vigil-[a-z0-9-]+\/\*$/, reason: "the versions (packages) of a managed model's own package group" },
    { pattern: /:sagemaker:.*:pipeline\/[a-z0-9-]+\/execution\/\*$/, reason: "executions of Vigil's one training pipeline" },
    { pattern: /:glue:.*:table\/[a-z0-9_]+\/\*$/, reason: "tables of Vigil's own Glue database (result tables and the monitored sources)" },
    { pattern: /:glue:.*:table\/[a-z0-9_]+\/vigil_staged_\*$/, reason: 'the tables an analysis stages, which Vigil names vigil_staged_<time>_<random> at run time and drops afterwards' },
    { pattern: /:cloudwatch:.*:alarm:vigil-\*$/, reason: 'alarms Vigil names vigil-<model>-<subject>-<metric>' },
    { pattern: /:cloudwatch:.*:dashboard\/vigil-\*$/, reason: 'the dashboards Vigil names vigil-<model>, one per managed model' },
    { pattern: /:ecr:.*:repository\/[a-z0-9-]+-\*$/, reason: "the Vigil images' repositories (<prefix>-serve, <prefix>-train)" },
    { pattern: /:logs:.*:log-group:\/aws\/sagemaker\/\*$/, reason: 'the log groups SageMaker itself names for endpoints, training and processing jobs' },
  ];
}

/** Acknowledges the IAM5 wildcard findings a reason covers; returns those left (they fail the synth). */
export function acknowledgeWildcards(app: App, dataBuckets: readonly string[] = []): string[] {
  const reasons = wildcardReasons(dataBuckets);
  const report = new AwsSolutionsChecks(app).validateScope(app);
  const left: string[] = [];
  const byPath = new Map(app.node.findAll().map((construct) => [construct.node.path, construct]));
  for (const violation of report.violations) {
    const match = /^AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(violation.ruleName);
    const reason = match === null ? undefined : reasons.find((entry) => entry.pattern.test(match[1] ?? ''))?.reason;
    for (const resource of violation.violatingResources) {
      const construct = resource.constructPath === undefined ? undefined : byPath.get(resource.constructPath);
      if (reason === undefined || construct === undefined) {
        left.push(`${violation.ruleName} at ${resource.constructPath}`);
        continue;
      }
      Validations.of(construct).acknowledge({ id: violation.ruleName, reason });
    }
  }
  return left;
}
