// The staged deploy's vocabulary, shared by the workflow, activities and CLI (plain data).

export type DeployStage =
  | 'creating'
  | 'staging'
  | 'smoke-staging'
  | 'production'
  | 'verify-production'
  | 'rolling-back'
  | 'done'
  | 'smoke-failed'
  | 'rolled-back'
  | 'rollback-failed';

export interface SmokeReport {
  passed: boolean;
  reasons: string[];
  stats: Record<string, number>;
}

export interface DeployResult {
  model: string;
  version: string;
  outcome: 'deployed' | 'smoke-failed' | 'rolled-back';
  previousVersion?: string;
  staging?: SmokeReport;
  production?: SmokeReport;
}

/** How an endpoint move ended: on the new version, or reverted by the platform (with its reason). */
export type EndpointMove = { moved: true } | { moved: false; reason: string };
