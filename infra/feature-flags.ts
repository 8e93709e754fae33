// CDK feature flags the app is built with (in the app and its tests alike, so they synth the same).
export const featureFlags: Record<string, boolean | string> = {
  // Server access logs delivered by a bucket policy rather than an ACL (ACLs stay disabled).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  // Stacks of one install deploy together: an export in use stops its producer from being removed.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};
