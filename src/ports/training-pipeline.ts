// Retraining as a pipeline execution: a SageMaker Pipeline on AWS, a local trainer in local mode.
// The pipeline trains on a window, then evaluates the candidate and the current champion on the
// same holdout window (the pipeline's evaluation step), so the gate compares like with like.
import type { EvaluationMetrics } from '../domain/retraining/evaluation-metrics.js';

export type { EvaluationMetrics } from '../domain/retraining/evaluation-metrics.js';

export interface TrainingRequest {
  model: string;
  /** Version name of the candidate; deterministic from the retraining run, so a retry reuses it. */
  candidateVersion: string;
  /** Training rows: production rows with labels, event time in [start, end). */
  trainingWindow: { start: string; end: string };
  /** Holdout rows for champion vs challenger. */
  holdoutWindow: { start: string; end: string };
  /**
   * Share of the holdout window's rows held out, chosen by the hash of the record id; the rest may
   * be trained on. 1 (the default) holds out the whole window, which must then follow the training
   * window. Below 1 the windows may overlap: recent days feed both, never the same rows.
   */
  holdoutShare?: number;
  /** The version in production, evaluated on the same holdout. */
  championVersion?: string;
  /** Labels that arrived up to this instant are used. */
  asOf: string;
  parameters?: Record<string, string | number>;
}

export type PipelineStatus = 'Executing' | 'Succeeded' | 'Failed' | 'Stopped';

export interface PipelineExecution {
  executionId: string;
  status: PipelineStatus;
  /** Progress text for heartbeats ("training", "evaluating"). */
  step?: string;
  failureReason?: string;
  /** Set when Succeeded. */
  result?: {
    artifactUri: string;
    trainingRows: number;
    /** The training rows scored by the candidate (JSON lines), where the pipeline writes them. */
    scoredRowsUri?: string;
    candidate: EvaluationMetrics;
    champion?: EvaluationMetrics;
  };
}

export interface TrainingPipeline {
  /**
   * Starts an execution; starting the same candidate version again joins the one running or
   * succeeded, and starts anew when every earlier one failed or was stopped.
   */
  start(request: TrainingRequest): Promise<{ executionId: string }>;
  describe(executionId: string): Promise<PipelineExecution>;
}
