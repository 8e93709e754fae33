// What evaluating a model on a holdout window yields: the pipeline reports it, the gate judges it.

export interface EvaluationMetrics {
  rows: number;
  rmse: number | null;
  mae: number | null;
  /**
   * Where a champion's predictions came from: its artifact run on the holdout, or (a model with no
   * artifact at hand, e.g. one trained elsewhere) the predictions it logged when it served those rows.
   */
  basis?: 'artifact' | 'logged-predictions';
}
