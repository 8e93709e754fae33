// What evaluating a model on a holdout window yields: the pipeline reports it, the gate judges it.

export interface EvaluationMetrics {
  rows: number;
  rmse: number | null;
  mae: number | null;
}
