// The `vigil` command line. Each subcommand lives in its own module; this file only wires them.
import { Command, Option } from 'commander';
import { debugRequested, errorLine } from './terminal/error-line.js';
import type { ContractInferOptions } from './client/onboarding/contract-command.js';
import type { InitOptions } from './client/onboarding/init.js';

const defaultConfig = process.env.VIGIL_CONFIG ?? 'vigil.config.yaml';

function configOption(): Option {
  return new Option('-c, --config <path>', 'deployment config file (or VIGIL_CONFIG)').default(defaultConfig);
}

const program = new Command('vigil')
  .description('Keeps deployed ML models healthy: drift and performance monitoring, retraining, guarded deploys.')
  .option('--debug', 'print the full error with its stack when a command fails (or VIGIL_DEBUG=1)')
  .showHelpAfterError();

program
  .command('demo')
  .description('run the whole monitoring loop locally on generated data (starts and stops what it needs)')
  .option('--dir <path>', 'demo folder', '.vigil/demo')
  .option('--yes', 'approve the retraining the drift triggers instead of waiting for `vigil approve`')
  .action(async (options: { dir: string; yes?: boolean }) => {
    const { runDemo } = await import('./demo/run-demo.js');
    await runDemo({ dir: options.dir, yes: options.yes === true });
  });

program
  .command('worker')
  .description('run a Vigil worker for the configured mode (local or aws)')
  .addOption(configOption())
  .action(async (options: { config: string }) => {
    const { runWorker } = await import('./worker/run-worker.js');
    await runWorker(options.config);
  });

program
  .command('serve')
  .description('serve a model as a SageMaker inference container (GET /ping, POST /invocations on :8080)')
  .option('--model-dir <path>', 'folder holding model.json (default: SM_MODEL_DIR or /opt/ml/model)')
  .option('--port <port>', 'port to listen on, 0 for any free one (default: SAGEMAKER_BIND_TO_PORT or 8080)')
  .option('--host <address>', 'address to listen on', '0.0.0.0')
  .action(async (options: { modelDir?: string; port?: string; host: string }) => {
    await (await import('./sagemaker-container/serve-command.js')).serveCommand(options);
  });

program
  .command('train')
  .description("the training pipeline's Train step as a SageMaker training job runs it (hyperparameters and channel labelled in, model.json out)")
  .option('--ml-root <dir>', "SageMaker's job folder", '/opt/ml')
  .action(async (options: { mlRoot: string }) => {
    await (await import('./sagemaker-container/train-command.js')).trainCommand(options);
  });

program
  .command('evaluate')
  .description("the training pipeline's Evaluate step as a SageMaker processing job runs it (candidate and champion on the holdout, evaluation.json out)")
  .option('--ml-root <dir>', "SageMaker's job folder", '/opt/ml')
  .action(async (options: { mlRoot: string }) => {
    await (await import('./sagemaker-container/evaluate-command.js')).evaluateCommand(options);
  });

program
  .command('dev')
  .description('start the Temporal dev server (SQLite under the data folder, Web UI on :8233) unless one is running')
  .option('--data-dir <path>', 'where the server keeps its database', '.vigil')
  .option('--port <port>', 'gRPC port', '7233')
  .option('--ui-port <port>', 'Web UI port', '8233')
  .action(async (options: { dataDir: string; port: string; uiPort: string }) => {
    const { runDevServer } = await import('./dev/dev-command.js');
    await runDevServer({ dataDir: options.dataDir, port: Number(options.port), uiPort: Number(options.uiPort) });
  });

program
  .command('temporal-cli')
  .description('print the path of the Temporal CLI, building it into the cache first if needed')
  .action(async () => {
    const { resolveTemporalCli } = await import('./dev/temporal-cli.js');
    const cli = await resolveTemporalCli({ onProgress: (line) => console.error(line) });
    console.error(`temporal cli: ${cli.source}`);
    console.log(cli.path);
  });

const monitor = program.command('monitor').description('monitoring runs');
monitor
  .command('run')
  .description('monitor a model for one day (default: yesterday) or backfill a range of days')
  .addOption(configOption())
  .requiredOption('-m, --model <id>', 'model id from the config')
  .option('--date <YYYY-MM-DD>', 'the day to monitor')
  .option('--from <YYYY-MM-DD>', 'first day of a backfill')
  .option('--to <YYYY-MM-DD>', 'last day of a backfill (inclusive)')
  .option('--json', 'print the results as JSON')
  .action(async (options: { config: string; model: string; date?: string; from?: string; to?: string; json?: boolean }) => {
    const { monitorRun } = await import('./client/commands/monitor.js');
    await monitorRun(options);
  });

program
  .command('drift')
  .description('compare two data files with the monitoring statistics')
  .requiredOption('--baseline <file>', 'reference data (CSV or Parquet)')
  .requiredOption('--current <file>', 'data to compare (CSV or Parquet)')
  .option('--contract <file>', 'feature contract (otherwise: all-numeric columns are numeric, others categorical)')
  .option('--bins <n>', 'bins over baseline quantiles', '10')
  .option('--json', 'print one JSON object')
  .action(async (options: { baseline: string; current: string; contract?: string; bins: string; json?: boolean }) => {
    const { driftCommand } = await import('./client/drift/drift-command.js');
    await driftCommand({ ...options, bins: Number(options.bins) });
  });

const contract = program.command('contract').description('feature contracts');
contract
  .command('infer')
  .description("write a feature contract from a data file's columns (a baseline or a production log)")
  .requiredOption('--from <file>', 'the data file (Parquet or CSV)')
  .option('--model <name>', 'model id (default: the file name)')
  .option('--out <file>', 'write the contract there instead of printing it')
  .option('--force', 'replace the --out file when it exists')
  .option('--id <column>', 'record id column (default record_id)')
  .option('--time <column>', 'event time column (default event_time)')
  .option('--prediction <column>', 'prediction column (default prediction)')
  .option('--label <column>', 'label column (default label)')
  .option('--label-time <column>', 'label time column (default label_time)')
  .option('--version <column>', 'model version column (default model_version)')
  .option('--max-categories <n>', 'list the categories of a text column with at most n distinct values', '50')
  .option('--ranges', 'write min/max from the observed values, widened by half their range on each side')
  .action(async (options: ContractInferOptions) => {
    await (await import('./client/onboarding/contract-command.js')).contractInferCommand(options);
  });
contract
  .command('diff <old> <new>')
  .description('compare two versions of a feature contract: FULL, BACKWARD, FORWARD or BREAKING, with a line per change (exit code 2 when BREAKING)')
  .option('--json', 'print one JSON object')
  .action(async (oldPath: string, newPath: string, options: { json?: boolean }) => {
    const { contractDiffCommand } = await import('./client/commands/contract-diff.js');
    process.exitCode = (await contractDiffCommand({ old: oldPath, new: newPath, json: options.json === true })).exitCode;
  });

program
  .command('init')
  .description("write a feature contract and a local-mode config for a model from its own files")
  .requiredOption('--model <name>', 'model id')
  .requiredOption('--log <glob>', 'production log files (Parquet or CSV; a glob)')
  .requiredOption('--labels <file>', 'delayed labels: record id, label, label time')
  .requiredOption('--baseline <file>', 'reference rows: event time, features, prediction, label')
  .option('--dir <path>', 'where to write the contract and vigil.config.yaml', '.')
  .option('--window-days <n>', 'monitoring window in days', '7')
  .option('--force', 'replace existing files')
  .option('--id <column>', 'record id column (default: found from the files)')
  .option('--time <column>', 'event time column')
  .option('--prediction <column>', 'prediction column')
  .option('--label <column>', 'label column')
  .option('--label-time <column>', 'label time column')
  .option('--version <column>', 'model version column')
  .option('--max-categories <n>', 'list the categories of a text column with at most n distinct values', '50')
  .option('--ranges', 'write min/max from the observed values, widened by half their range on each side')
  .action(async (options: InitOptions) => {
    const { initCommand, initReport } = await import('./client/onboarding/init.js');
    console.log(initReport(await initCommand(options)));
  });

program
  .command('retrain')
  .description('start a retraining of a model (joins the one already running)')
  .addOption(configOption())
  .requiredOption('-m, --model <id>', 'model id from the config')
  .requiredOption('--reason <text>', 'why (recorded with the candidate and in the audit log)')
  .option('--as <user>', 'who asks')
  .action(async (options: { config: string; model: string; reason: string; as?: string }) => (await import('./client/commands/approvals.js')).retrainCommand(options));

for (const decision of ['approve', 'reject'] as const) {
  program
    .command(`${decision} <workflow-id>`)
    .description(`${decision} the deployment a retraining run is waiting on`)
    .requiredOption('--as <user>', 'who decides (a cli approver of the model)')
    .option('--version <version>', 'the candidate version you decide (required; without it, shows what is pending)')
    .option('--request <id>', 'the approval request id shown with the request (default: the one pending now)')
    .option('--run <run-id>', 'the run (default: the current run of the workflow)')
    .option('--reason <text>', 'why')
    .action(async (workflowId: string, options: { as: string; version?: string; request?: string; run?: string; reason?: string }) =>
      (await import('./client/commands/approvals.js')).decideCommand(workflowId, decision, options),
    );
}

const baseline = program.command('baseline').description('what each model version is monitored against');
baseline
  .command('show')
  .description("each registered version's reference: the production rows of its training window, or the configured baseline")
  .addOption(configOption())
  .requiredOption('-m, --model <id>', 'model id from the config')
  .option('--json', 'print one JSON object')
  .action(async (options: { config: string; model: string; json?: boolean }) => {
    await (await import('./client/commands/baseline.js')).baselineShowCommand(options);
  });
baseline
  .command('set')
  .description("change what a registered version's windows are compared against: the configured baseline, or days of the production log")
  .addOption(configOption())
  .requiredOption('-m, --model <id>', 'model id from the config')
  .requiredOption('--version <name>', 'a registered version')
  .option('--configured', "the configured sources.baseline")
  .option('--from <YYYY-MM-DD>', 'first day of the production log to compare with')
  .option('--to <YYYY-MM-DD>', 'last day (inclusive)')
  .option('--labels-as-of <time>', 'labels known at this time (default: now)')
  .requiredOption('--as <user>', 'who changes it (recorded in the audit log)')
  .option('--reason <text>', 'why')
  .action(
    async (options: { config: string; model: string; version: string; configured?: boolean; from?: string; to?: string; labelsAsOf?: string; as: string; reason?: string }) => {
      await (await import('./client/commands/baseline-set.js')).baselineSetCommand(options);
    },
  );

const model = program.command('model').description('model versions in the registry');
model
  .command('register')
  .description('register a model trained elsewhere (the one serving now) as an approved version, so retraining compares with it')
  .addOption(configOption())
  .requiredOption('-m, --model <id>', 'model id from the config')
  .requiredOption('--version <name>', 'the version name it serves under (as logged in model_version)')
  .option('--artifact <path-or-uri>', 'its artifact: a model.json (local mode) or an S3 model (aws mode, required there)')
  .requiredOption('--as <user>', 'who registers it (recorded in the registry and the audit log)')
  .option('--reason <text>', 'why')
  .option('--json', 'print the registered version as JSON')
  .action(async (options: { config: string; model: string; version: string; artifact?: string; as: string; reason?: string; json?: boolean }) => {
    await (await import('./client/commands/model.js')).modelRegisterCommand(options);
  });

program
  .command('audit')
  .description('who approved, rejected, deployed, rolled back and cleaned up (audit_events; CloudTrail holds the AWS calls)')
  .addOption(configOption())
  .option('-m, --model <id>', 'one model')
  .option('--since <span-or-date>', 'events from this long ago (30d, 12h) or this date (2026-11-01)')
  .option('--action <actions>', 'actions, comma-separated; a prefix ends in * (deploy.*,cleanup.deleted)')
  .option('--json', 'print one JSON object per event')
  .action(async (options: { config: string; model?: string; since?: string; action?: string; json?: boolean }) => {
    await (await import('./client/commands/audit.js')).auditCommand(options);
  });

program
  .command('query <sql>')
  .description('run a read-only SQL statement over the local results (monitoring_metrics, monitoring_runs, ...), also while the worker runs')
  .addOption(configOption())
  .option('--json', 'print one JSON object per row')
  .action(async (sql: string, options: { config: string; json?: boolean }) => {
    await (await import('./client/commands/query.js')).queryCommand(sql, options);
  });

const stream = program.command('stream').description('features arriving one record at a time');
stream
  .command('validate')
  .description('check records (one JSON object a line, on stdin) against a contract, as the stream path does')
  .requiredOption('--contract <file>', 'the feature contract (JSON)')
  .option('--out <dir>', 'write valid.ndjson (contract order, version and hash stamped) and quarantine.ndjson (reason, line as received) there')
  .option('--json', 'end with one JSON line: {"received":N,"valid":N,"quarantined":N,"reasons":{...}}')
  .action(async (options: { contract: string; out?: string; json?: boolean }) => {
    await (await import('./client/commands/stream-validate.js')).streamValidateCommand(options);
  });
stream
  .command('serve')
  .description('take records over HTTP (POST /v1/models/{model}/records, NDJSON) into the local production log, refusing what the contract refuses')
  .addOption(configOption())
  .option('-m, --model <id>', 'serve only this model (default: every model of the config)')
  .option('--port <port>', 'port to listen on, 0 for any free one', '8091')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .action(async (options: { config: string; model?: string; port: string; host: string }) => {
    await (await import('./client/commands/stream-serve.js')).streamServeCommand(options);
  });

const cleanup = program.command('cleanup').description("retire old model versions: what serves, the rollback target and pending candidates are kept (through the worker)");
for (const [verb, apply] of [
  ['plan', false],
  ['apply', true],
] as const) {
  cleanup
    .command(verb)
    .description(apply ? 'plan, then delete the versions the plan deletes (each audited)' : 'show which versions would be kept and deleted, and why')
    .addOption(configOption())
    .option('-m, --model <id>', 'one model (default: every model of the config)')
    .option('--json', 'print the plans as JSON')
    .action(async (options: { config: string; model?: string; json?: boolean }) => {
      await (await import('./client/commands/cleanup.js')).cleanupCommand(apply, options);
    });
}

program
  .command('dashboard')
  .description('serve the monitoring dashboard over the local results (read-only; charts bundled, nothing from the internet)')
  .addOption(configOption())
  .option('--port <port>', 'port to listen on, 0 for any free one', '8090')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .action(async (options: { config: string; port: string; host: string }) => {
    await (await import('./client/commands/dashboard.js')).dashboardCommand(options);
  });

const alarms = program.command('alarms').description("CloudWatch alarms from the config's thresholds, actions to the SNS topic, and a dashboard per model (aws mode)");
for (const [verb, apply] of [
  ['plan', false],
  ['apply', true],
] as const) {
  alarms
    .command(verb)
    .description(apply ? 'create, update and delete alarms (and put the dashboard) until they match the config' : 'show the alarms and dashboard the config implies and what applying would change')
    .addOption(configOption())
    .option('-m, --model <id>', 'one model (default: every model of the config, and the alarms and dashboards of models no longer in it are deleted)')
    .option('--all', 'list unchanged alarms too')
    .option('--json', 'print the plans as JSON')
    .action(async (options: { config: string; model?: string; all?: boolean; json?: boolean }) => {
      await (await import('./client/commands/alarms.js')).alarmsCommand(apply, options);
    });
}

const cost = program.command('cost').description('what Vigil costs, and whether its resources say whose they are (aws mode)');
cost
  .command('tags')
  .description('list Vigil resources missing vigil:model, vigil:version or a tag of aws.tags (exit 2 when one does)')
  .addOption(configOption())
  .option('--json', 'print one JSON object')
  .action(async (options: { config: string; json?: boolean }) => {
    process.exitCode = (await (await import('./client/commands/cost-tags.js')).costTagsCommand(options)).exitCode;
  });

cost
  .command('report')
  .description('cost per model over the last days, from Cost Explorer by the vigil:model tag')
  .addOption(configOption())
  .option('--since <days>', 'how far back, in days', '30d')
  .option('--json', 'print one JSON object')
  .action(async (options: { config: string; since: string; json?: boolean }) => {
    await (await import('./client/commands/cost-report.js')).costReportCommand(options);
  });

const pipeline = program.command('pipeline').description('the SageMaker Pipeline that retrains models (aws mode)');
pipeline
  .command('deploy')
  .description('create or update the pipeline from its definition file (idempotent)')
  .addOption(configOption())
  .option('--set <NAME=VALUE...>', 'parameter default, e.g. TrainerImage=... (repeatable; overrides aws.sagemaker.pipeline.parameters)')
  .option('--description <text>', 'pipeline description')
  .action(async (options: { config: string; set?: string[]; description?: string }) => {
    await (await import('./client/commands/pipeline.js')).pipelineDeployCommand(options);
  });

const schedules = program.command('schedules').description("Vigil's Temporal Schedules");
schedules
  .command('apply')
  .description('create or update the schedules the config describes (idempotent)')
  .addOption(configOption())
  .action(async (options: { config: string }) => (await import('./client/commands/schedules.js')).schedulesApply(options.config));
schedules
  .command('list')
  .description('list Vigil schedules with their next and last runs')
  .action(async () => (await import('./client/commands/schedules.js')).schedulesList());
schedules
  .command('pause <model-or-schedule-id>')
  .option('--note <text>', 'why')
  .action(async (target: string, options: { note?: string }) => (await import('./client/commands/schedules.js')).schedulesPause(target, options.note, true));
schedules
  .command('unpause <model-or-schedule-id>')
  .option('--note <text>', 'why')
  .action(async (target: string, options: { note?: string }) => (await import('./client/commands/schedules.js')).schedulesPause(target, options.note, false));
schedules
  .command('trigger <model-or-schedule-id>')
  .description('run the schedule now')
  .action(async (target: string) => (await import('./client/commands/schedules.js')).schedulesTrigger(target));
schedules
  .command('backfill <model-or-schedule-id>')
  .description('replay history: every run the schedule would have made in a past range, each as of its day (to analyse each window once, as of now: vigil monitor run --from --to)')
  .requiredOption('--from <YYYY-MM-DD>', 'first day')
  .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
  .action(async (target: string, options: { from: string; to: string }) =>
    (await import('./client/commands/schedules.js')).schedulesBackfill(target, options.from, options.to),
  );
schedules
  .command('delete <model-or-schedule-id>')
  .action(async (target: string) => (await import('./client/commands/schedules.js')).schedulesDelete(target));

async function main(): Promise<void> {
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  if (debugRequested(process.argv, process.env)) console.error(error);
  else console.error(errorLine(error));
  process.exit(1);
});
