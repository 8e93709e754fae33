// `vigil train`: what SageMaker runs for the pipeline's Train step (`docker run <image> train`).
// The metric lines on stdout are the ones the step's MetricDefinitions scrape
// (training_rows=..., training_rmse=...); progress goes to stderr; a failure writes
// output/failure and exits 1.
import { runJob } from './job-failure.js';
import { defaultMlRoot, trainingPaths } from './job-paths.js';
import { trainFromInputs, type TrainOutcome } from './train-job.js';

export interface TrainCommandOptions {
  /** Default /opt/ml. */
  mlRoot?: string;
}

/** One `name=value` line per metric: the training ones for MetricDefinitions, the holdout ones for the log. */
export function metricLines(outcome: Pick<TrainOutcome, 'artifact' | 'fit'>): string[] {
  const lines = [`training_rows=${outcome.artifact.trainingRows}`];
  if (outcome.fit.rmse !== null) lines.push(`training_rmse=${outcome.fit.rmse}`);
  const holdout = outcome.artifact.metrics;
  if (holdout !== undefined) lines.push(`holdout_rows=${holdout.holdoutRows}`, `holdout_rmse=${holdout.rmse}`);
  return lines;
}

export async function trainCommand(options: TrainCommandOptions): Promise<void> {
  const paths = trainingPaths(options.mlRoot ?? defaultMlRoot);
  const log = (line: string): void => console.error(`vigil train: ${line}`);
  await runJob('train', paths.failure, async () => {
    const outcome = await trainFromInputs(paths, log);
    for (const line of metricLines(outcome)) console.log(line);
    log(`wrote ${outcome.artifact.model}/${outcome.artifact.version} to ${outcome.artifactPath}`);
  });
}
