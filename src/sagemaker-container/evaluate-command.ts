// `vigil evaluate`: what SageMaker runs for the pipeline's Evaluate step (the image's entrypoint
// with ContainerArguments ["evaluate"]). Settings come from the step's Environment, inputs from
// its ProcessingInputs; the report goes where VIGIL_REPORT_PATH says; a failure writes
// output/message (the job's ExitMessage) and exits 1.
import { evaluationSettings } from './evaluate-settings.js';
import { evaluateFromInputs } from './evaluate-job.js';
import { runJob } from './job-failure.js';
import { defaultMlRoot, processingPaths } from './job-paths.js';

export interface EvaluateCommandOptions {
  /** Default /opt/ml. */
  mlRoot?: string;
}

const shown = (value: number | null): string => (value === null ? 'none' : String(value));

export async function evaluateCommand(options: EvaluateCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const paths = processingPaths(options.mlRoot ?? defaultMlRoot);
  const log = (line: string): void => console.error(`vigil evaluate: ${line}`);
  await runJob(
    'evaluate',
    paths.message,
    async () => {
      const settings = evaluationSettings(env, paths);
      const report = await evaluateFromInputs(paths, settings, log);
      console.log(`holdout_rows=${report.candidate.rows}\ncandidate_rmse=${shown(report.candidate.rmse)}`);
      if (report.champion !== undefined) console.log(`champion_rmse=${shown(report.champion.rmse)}`);
      log(`wrote ${settings.reportPath}`);
    },
    env,
  );
}
