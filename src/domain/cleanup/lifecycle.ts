// The S3 lifecycle rules Vigil keeps on its own prefixes (aws mode): Athena's query output expires,
// the quarantine's raw records expire, the labelled rows exported for training expire, and result tables move to Infrequent Access once they are
// rarely read. Rule ids start with "vigil-", so the rules a bucket's owner set are left alone.

export interface StorageRule {
  id: string;
  bucket: string;
  prefix: string;
  expireAfterDays?: number;
  infrequentAccessAfterDays?: number;
  /** Why the rule exists, as the plan shows it. */
  why: string;
}

export interface LifecycleDays {
  athenaOutputDays: number;
  quarantineDays: number;
  trainingInputDays: number;
  resultsInfrequentAccessDays: number;
}

export const vigilRulePrefix = 'vigil-';

/** Vigil's rules for where Athena writes query output, where the result tables live and where training inputs are exported. */
export function lifecycleRules(input: {
  athenaOutput: { bucket: string; prefix: string };
  results: { bucket: string; prefix: string };
  pipelineInputs: { bucket: string; prefix: string };
  days: LifecycleDays;
}): StorageRule[] {
  const { athenaOutput, results, pipelineInputs, days } = input;
  return [
    { id: 'vigil-athena-output', ...athenaOutput, expireAfterDays: days.athenaOutputDays, why: `Athena query output expires after ${days.athenaOutputDays} days` },
    { id: 'vigil-quarantine', bucket: results.bucket, prefix: `${results.prefix}quarantine/`, expireAfterDays: days.quarantineDays, why: `quarantined raw records expire after ${days.quarantineDays} days` },
    {
      id: 'vigil-pipeline-inputs',
      ...pipelineInputs,
      expireAfterDays: days.trainingInputDays,
      why: `labelled rows exported for training expire after ${days.trainingInputDays} days (the registry keeps each version's metrics)`,
    },
    {
      id: 'vigil-results-infrequent-access',
      ...results,
      infrequentAccessAfterDays: days.resultsInfrequentAccessDays,
      why: `result tables move to Infrequent Access after ${days.resultsInfrequentAccessDays} days`,
    },
  ];
}
