// The vigil.config.yaml `vigil init` writes: one local-mode model over the user's files, with the
// monitoring defaults spelled out and commented, so a new user sees what each line does and what to
// change. Values are written as JSON strings where they come from the user (always valid YAML).

export interface ConfigSkeleton {
  model: string;
  /** Contract file, relative to the config's folder. */
  contract: string;
  sources: Record<'productionLog' | 'labels' | 'baseline', { path: string; format: 'parquet' | 'csv' }>;
  windowDays: number;
  approver: string;
  /** Features a `kind: feature` facet could group by (category or bool), for the comment. */
  groupingFeatures: string[];
}

/** Endpoint names allow letters, digits and hyphens only (SageMaker's rule). */
export function endpointBase(model: string): string {
  return model.replace(/_+/g, '-').replace(/^-+|-+$/g, '').slice(0, 52) || 'model';
}

export function configSkeletonText(skeleton: ConfigSkeleton): string {
  const q = (value: string): string => JSON.stringify(value);
  const source = (entry: { path: string; format: string }): string => `{ path: ${q(entry.path)}, format: ${entry.format} }`;
  const endpoint = endpointBase(skeleton.model);
  const facetHint =
    skeleton.groupingFeatures[0] === undefined
      ? ''
      : `\n      # and per group of a feature:  - { name: by_${skeleton.groupingFeatures[0]}, kind: feature, feature: ${skeleton.groupingFeatures[0]} }`;
  return `# Vigil config for model "${skeleton.model}", written by \`vigil init\`. Check the lines marked CHECK;
# README.md ("Configuration") lists every setting. Paths are relative to this file.
mode: local                 # local: DuckDB over the files below; aws: Athena and SageMaker
dataDir: .vigil             # warehouse, results, model artifacts, incidents
temporal:
  taskQueue: vigil
local:
  modelServerPort: 8080     # the local model server \`vigil worker\` starts (scores rows logged without a prediction)
models:
  - id: ${q(skeleton.model)}
    contract: ${q(skeleton.contract)}   # CHECK: feature types, categories, the "columns" names
    endpoints: { production: ${endpoint}-production, staging: ${endpoint}-staging }
    sources:                # Parquet or CSV; globs allowed
      productionLog: ${source(skeleton.sources.productionLog)}
      labels:        ${source(skeleton.sources.labels)}
      baseline:      ${source(skeleton.sources.baseline)}
    monitoring:
      windowDays: ${skeleton.windowDays}         # rolling window evaluated daily (1 = yesterday)
      relabelDays: 7        # older windows re-evaluated as their delayed labels arrive
      drift:                # CHECK: a feature drifts when its statistic reaches the threshold
        numeric:     { method: wasserstein_normed, threshold: 0.1 }  # or wasserstein, ks_statistic, ks_p_value, psi, js_distance
        categorical: { method: js_distance, threshold: 0.1 }         # or psi, linf, chi2_p_value, unseen_share
        prediction:  { method: wasserstein_normed, threshold: 0.1 }
      performance: {}       # CHECK: bounds from delayed labels, e.g. { rmse: { max: 30 }, label_coverage: { min: 0.2 } }
      facets:               # bias: the prediction and error gap between groups
        - { name: weekend, kind: weekend }${facetHint}
      bias: {}              # e.g. { mean_error_gap_change: { min: -15, max: 15 } }
      schedule: { cron: "0 6 * * *", timezone: UTC }   # \`vigil schedules apply\` runs monitoring daily
    approvers: [{ cli: ${q(skeleton.approver)} }]   # CHECK: who may approve a retrained version: { cli: name } or { slack: U0123ABCD }
`;
}
