// The TrainingPipeline port on a SageMaker Pipeline (deploy/sagemaker/training-pipeline.json):
// start is StartPipelineExecution with the request as parameters, describe reads the execution,
// its most recent step (for heartbeats) and, once it succeeded, the evaluation report the
// pipeline's Evaluate step wrote at <OutputPrefix>evaluation.json.
//
// Before it starts an execution, start fills the execution's inputs folder (<inputs root>/<model>/
// <version>/, passed as LabelledRowsUri; layout in src/adapters/shared/pipeline-inputs.ts): the
// candidate's labelled rows exported with Athena (UNLOAD), the feature contract, and the
// champion's registered artifact. The pipeline reads exactly the rows Vigil chose, and its jobs,
// network-isolated, look nothing up.
//
// A retried start must not train twice. SageMaker dedupes on ClientRequestToken, derived here from
// (pipeline, model, candidate, attempt); each execution also carries a display name derived from
// the same, and start looks for those first, which also covers a token SageMaker no longer holds
// (and emulators that ignore tokens). An execution that is running or succeeded is joined; once
// every execution of the candidate failed or stopped, start makes the next attempt, so a retry
// after a failure trains again instead of returning the failure.
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  paginateListPipelineExecutions,
  paginateListPipelineParametersForExecution,
  type PipelineExecutionStep,
  type SageMakerClientConfig,
} from '@aws-sdk/client-sagemaker';
import type { FeatureContract } from '../../../../domain/contract/contract.js';
import { NonRetryableError } from '../../../../domain/errors.js';
import { dialectFor } from '../../../../domain/sql/dialect.js';
import type { MonitoringTables } from '../../../../domain/sql/query-input.js';
import type { PipelineExecution, PipelineStatus, TrainingPipeline, TrainingRequest } from '../../../../ports/training-pipeline.js';
import type { Warehouse } from '../../../../ports/warehouse.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../../errors.js';
import { KeyedSerial } from '../../keyed-serial.js';
import type { S3ObjectStore } from '../../s3/s3-object-store.js';
import { CONTRACT_FILE } from '../../../shared/pipeline-inputs.js';
import { championSource } from './pipeline-champion.js';
import { labelledRowsUnloadSql } from './pipeline-input.js';
import {
  EVALUATION_REPORT_NAME,
  evaluationReportSchema,
  executionAttempt,
  executionDisplayName,
  parseS3Uri,
  pipelineParameters,
  startToken,
  type PipelineRoots,
} from './pipeline-parameters.js';

export {
  EVALUATION_REPORT_NAME,
  PIPELINE_PARAMETER_NAMES,
  TUNABLE_PARAMETER_NAMES,
  evaluationReportSchema,
  type EvaluationReport,
} from './pipeline-parameters.js';

export interface SageMakerTrainingPipelineOptions {
  /** A ready client (its own retry settings apply, and close() leaves it open); otherwise one is built. */
  client?: SageMakerClient;
  clientConfig?: SageMakerClientConfig;
  /** The deployed pipeline (`vigil pipeline deploy`). */
  pipelineName: string;
  /** Where each execution writes (`<outputs>/<model>/<candidateVersion>/`) and where its labelled rows go; one bucket. */
  roots: PipelineRoots;
  /**
   * An object store on the artifacts bucket: reads the evaluation reports, empties an execution's
   * inputs folder before an export and stages the contract and the champion there (S3ObjectStore).
   */
  objectStore: PipelineObjectStore;
  /**
   * The registered artifact of a version (the registry's), staged for the Evaluate step when the
   * version is the champion. Without it, or without an artifact, the champion is not evaluated.
   */
  artifactOf?(model: string, version: string): Promise<string | undefined>;
  /** Runs the UNLOAD of the labelled rows: Athena. */
  warehouse: Pick<Warehouse, 'dialect' | 'execute'>;
  contractFor(model: string): FeatureContract;
  /** The model's input tables (the source catalog's). */
  tablesFor(contract: FeatureContract): Promise<MonitoringTables>;
}

export type PipelineObjectStore = Pick<S3ObjectStore, 'get' | 'put' | 'copy' | 'delete' | 'deletePrefix'>;

type Parameter = { Name: string; Value: string };

/** An execution of the candidate a start asks for, found by its display name. */
interface CandidateExecution {
  arn: string;
  attempt: number;
  status: PipelineStatus;
  /** Its parameters, by name. */
  sent: Map<string, string>;
}

const executionArnPattern = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline\/[^/]+\/execution\/[^/]+$/;
/** Steps read per describe: the newest first, enough to find a failed one in this pipeline. */
const stepsPerDescribe = 20;

function statusOf(raw: string | undefined, arn: string): PipelineStatus {
  switch (raw) {
    case 'Executing':
    case 'Stopping':
      return 'Executing';
    case 'Succeeded':
      return 'Succeeded';
    case 'Stopped':
      return 'Stopped';
    case 'Failed':
    case 'CompletedWithFailures':
      return 'Failed';
    default:
      throw new NonRetryableError(`pipeline execution ${arn} has status ${String(raw)}, which Vigil does not know`, 'INVALID_RESULT');
  }
}

function failureReason(executionReason: string | undefined, failed: PipelineExecutionStep | undefined): string {
  const stepText = failed === undefined ? '' : `step ${failed.StepName ?? '?'} failed${failed.FailureReason ? `: ${failed.FailureReason}` : ''}`;
  const reason = executionReason?.trim() ?? '';
  if (reason !== '' && stepText !== '') return `${reason} (${stepText})`;
  return reason || stepText || 'the execution failed without a reason';
}

export class SageMakerTrainingPipeline implements TrainingPipeline {
  private readonly client: SageMakerClient;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly serial = new KeyedSerial();

  constructor(private readonly options: SageMakerTrainingPipelineOptions) {
    this.bucket = parseS3Uri(options.roots.outputs, 'artifacts root').bucket;
    const inputs = parseS3Uri(options.roots.inputs, 'pipeline inputs root').bucket;
    if (inputs !== this.bucket) throw new NonRetryableError(`pipeline inputs root ${options.roots.inputs} is not in the artifacts bucket ${this.bucket}`, 'INVALID_INPUT');
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new SageMakerClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...(options.clientConfig ?? {}) });
  }

  async start(request: TrainingRequest): Promise<{ executionId: string }> {
    const parameters = pipelineParameters(request, this.options.roots);
    const contract = this.options.contractFor(request.model);
    if (contract.model !== request.model) {
      throw new NonRetryableError(`the contract for "${request.model}" is the contract of "${contract.model}"`, 'INVALID_INPUT');
    }
    return this.serial.run(executionDisplayName(request.model, request.candidateVersion), async () => {
      const executions = await this.executionsOf(request);
      const joinable = executions.find((execution) => execution.status === 'Executing' || execution.status === 'Succeeded');
      if (joinable !== undefined) {
        checkSameParameters(joinable, request, parameters);
        return { executionId: joinable.arn };
      }
      // None, or every one failed or stopped: the next attempt trains again, on freshly exported rows.
      const attempt = Math.max(0, ...executions.map((execution) => execution.attempt)) + 1;
      await this.stageInputs(request, contract, parameters);
      // A failed attempt may have left its report: the one read must be this attempt's.
      if (attempt > 1) await this.options.objectStore.delete(this.reportKey(this.parameter(parameters, 'OutputPrefix')));
      return { executionId: await this.startExecution(attempt, request, parameters) };
    });
  }

  async describe(executionId: string): Promise<PipelineExecution> {
    if (!executionArnPattern.test(executionId)) {
      throw new NonRetryableError(`"${executionId}" is not a SageMaker pipeline execution ARN`, 'INVALID_INPUT');
    }
    let rawStatus: string | undefined;
    let executionReason: string | undefined;
    let steps: PipelineExecutionStep[];
    try {
      const described = await this.client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionId }));
      rawStatus = described.PipelineExecutionStatus;
      executionReason = described.FailureReason;
      const listed = await this.client.send(
        new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: executionId, SortOrder: 'Descending', MaxResults: stepsPerDescribe }),
      );
      steps = listed.PipelineExecutionSteps ?? [];
    } catch (error) {
      throw classifyAwsError(error, `describe pipeline execution ${executionId}`);
    }
    const status = statusOf(rawStatus, executionId);
    const execution: PipelineExecution = { executionId, status };
    const latest = steps[0];
    if (rawStatus === 'Stopping') execution.step = 'stopping';
    else if (latest !== undefined) execution.step = `${latest.StepName ?? '?'}: ${latest.StepStatus ?? '?'}`;
    if (status === 'Failed') execution.failureReason = failureReason(executionReason, steps.find((step) => step.StepStatus === 'Failed'));
    if (status === 'Stopped' && executionReason) execution.failureReason = executionReason;
    if (status === 'Succeeded') execution.result = await this.report(executionId);
    return execution;
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private async startExecution(attempt: number, request: TrainingRequest, parameters: Parameter[]): Promise<string> {
    const { pipelineName } = this.options;
    const candidate = `${request.model}/${request.candidateVersion}`;
    try {
      const started = await this.client.send(
        new StartPipelineExecutionCommand({
          PipelineName: pipelineName,
          PipelineExecutionDisplayName: executionDisplayName(request.model, request.candidateVersion, attempt),
          PipelineExecutionDescription: `Vigil retraining of ${candidate}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
          PipelineParameters: parameters,
          ClientRequestToken: startToken(pipelineName, request.model, request.candidateVersion, attempt),
        }),
      );
      if (started.PipelineExecutionArn === undefined) {
        throw new NonRetryableError(`pipeline ${pipelineName} started ${candidate} without returning an execution ARN`, 'BAD_RESPONSE');
      }
      return started.PipelineExecutionArn;
    } catch (error) {
      throw classifyAwsError(error, `start pipeline ${pipelineName} for ${candidate}`);
    }
  }

  /**
   * The execution's inputs folder: the labelled rows of the request's windows (UNLOAD), then the
   * contract and the champion's artifact beside them. The folder is emptied first: UNLOAD refuses a
   * target holding objects, such as an earlier attempt's inputs or an export whose start never happened.
   */
  private async stageInputs(request: TrainingRequest, contract: FeatureContract, parameters: Parameter[]): Promise<void> {
    const target = this.parameter(parameters, 'LabelledRowsUri');
    const location = parseS3Uri(target, `labelled rows of ${request.model}/${request.candidateVersion}`);
    if (location.bucket !== this.bucket || location.key === '') {
      throw new NonRetryableError(`labelled rows folder ${target} is not a folder of the artifacts bucket ${this.bucket}`, 'INVALID_INPUT');
    }
    const tables = await this.options.tablesFor(contract);
    const built = labelledRowsUnloadSql({ contract, tables, request, dialect: dialectFor(this.options.warehouse.dialect), target });
    await this.options.objectStore.deletePrefix(location.key);
    await this.options.warehouse.execute(built.sql, { label: built.label });
    await this.options.objectStore.put(`${location.key}${CONTRACT_FILE}`, `${JSON.stringify(contract, null, 2)}\n`, 'application/json');
    await this.stageChampion(request, location.key);
  }

  private async stageChampion(request: TrainingRequest, folderKey: string): Promise<void> {
    const version = request.championVersion;
    if (version === undefined || this.options.artifactOf === undefined) return;
    const uri = await this.options.artifactOf(request.model, version);
    if (uri === undefined) return;
    const source = championSource(uri, `artifact of champion ${request.model}/${version}`);
    await this.options.objectStore.copy(source.key, `${folderKey}${source.stagedAs}`, source.bucket);
  }

  /** This candidate's executions, the latest attempt first. */
  private async executionsOf(request: TrainingRequest): Promise<CandidateExecution[]> {
    const { pipelineName } = this.options;
    const candidate = `${request.model}/${request.candidateVersion}`;
    const named: Omit<CandidateExecution, 'sent'>[] = [];
    try {
      for await (const page of paginateListPipelineExecutions({ client: this.client }, { PipelineName: pipelineName, SortOrder: 'Descending' })) {
        for (const summary of page.PipelineExecutionSummaries ?? []) {
          const { PipelineExecutionArn: arn, PipelineExecutionDisplayName: name } = summary;
          if (arn === undefined || name === undefined) continue;
          const attempt = executionAttempt(name, request.model, request.candidateVersion);
          if (attempt !== undefined) named.push({ arn, attempt, status: statusOf(summary.PipelineExecutionStatus, arn) });
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `list executions of pipeline ${pipelineName} (looking for ${candidate})`);
    }
    const found: CandidateExecution[] = [];
    for (const execution of named.sort((a, b) => b.attempt - a.attempt)) {
      // The display name carries a hash; the parameters confirm it is this candidate.
      const sent = await this.parametersOf(execution.arn);
      if (sent.get('Model') === request.model && sent.get('CandidateVersion') === request.candidateVersion) found.push({ ...execution, sent });
    }
    return found;
  }

  private parameter(parameters: Parameter[], name: string): string {
    const found = parameters.find((parameter) => parameter.Name === name);
    if (found === undefined) throw new Error(`pipeline parameter ${name} is missing from the request's parameters`);
    return found.Value;
  }

  private reportKey(outputPrefix: string): string {
    return parseS3Uri(`${outputPrefix.replace(/\/*$/, '')}/${EVALUATION_REPORT_NAME}`, 'evaluation report').key;
  }

  private async parametersOf(arn: string): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    try {
      for await (const page of paginateListPipelineParametersForExecution({ client: this.client }, { PipelineExecutionArn: arn })) {
        for (const parameter of page.PipelineParameters ?? []) {
          if (parameter.Name !== undefined) values.set(parameter.Name, parameter.Value ?? '');
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `list parameters of pipeline execution ${arn}`);
    }
    return values;
  }

  /** The evaluation report of a succeeded execution, from where its parameters say it is. */
  private async report(arn: string): Promise<NonNullable<PipelineExecution['result']>> {
    const prefix = (await this.parametersOf(arn)).get('OutputPrefix');
    if (prefix === undefined) throw new NonRetryableError(`pipeline execution ${arn} has no OutputPrefix parameter: it was not started by Vigil`, 'INVALID_RESULT');
    const location = parseS3Uri(`${prefix.replace(/\/*$/, '')}/${EVALUATION_REPORT_NAME}`, `evaluation report of ${arn}`);
    const where = `s3://${location.bucket}/${location.key}`;
    if (location.bucket !== this.bucket) {
      throw new NonRetryableError(`evaluation report ${where} of ${arn} is outside the artifacts bucket ${this.bucket}`, 'INVALID_RESULT');
    }
    const body = await this.options.objectStore.get(location.key);
    if (body === undefined) {
      throw new NonRetryableError(`evaluation report ${where} is missing: execution ${arn} succeeded without writing it`, 'NOT_FOUND');
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new NonRetryableError(`evaluation report ${where} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'INVALID_RESULT');
    }
    const parsed = evaluationReportSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new NonRetryableError(`evaluation report ${where} is malformed: ${problems}`, 'INVALID_RESULT');
    }
    // The artifact is registered and served from here: it must be one this execution wrote.
    const outputs = `${prefix.replace(/\/*$/, '')}/`;
    if (!isUnder(parsed.data.artifactUri, outputs)) {
      throw new NonRetryableError(
        `evaluation report ${where} names artifact ${parsed.data.artifactUri}, which is not under the execution's OutputPrefix ${outputs}`,
        'INVALID_RESULT',
      );
    }
    const { champion, ...rest } = parsed.data;
    return champion === undefined ? rest : { ...rest, champion };
  }
}

/** A running or succeeded execution is joined only by a start that asks for the same thing. */
function checkSameParameters(execution: CandidateExecution, request: TrainingRequest, parameters: Parameter[]): void {
  const differing = parameters.filter((parameter) => execution.sent.get(parameter.Name) !== parameter.Value).map((parameter) => parameter.Name);
  if (differing.length > 0) {
    throw new NonRetryableError(
      `execution ${execution.arn} (${execution.status}) already trains ${request.model}/${request.candidateVersion} with other parameters (${differing.join(', ')}): a different request needs a new candidate version`,
      'CONFLICT',
    );
  }
}

/** An object strictly below the folder, with no "." or ".." segment that could lead out of it. */
function isUnder(uri: string, folder: string): boolean {
  if (!uri.startsWith(folder) || uri.length === folder.length) return false;
  return uri
    .slice(folder.length)
    .split('/')
    .every((segment) => segment !== '.' && segment !== '..');
}
