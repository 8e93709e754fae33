// The TrainingPipeline port on a SageMaker Pipeline (deploy/sagemaker/training-pipeline.json):
// start is StartPipelineExecution with the request as parameters, describe reads the execution,
// its most recent step (for heartbeats) and, once it succeeded, the evaluation report the
// pipeline's Evaluate step wrote at <OutputPrefix>evaluation.json.
//
// A retried start must not train twice. SageMaker dedupes on ClientRequestToken, derived here from
// (pipeline, model, candidate); each execution also carries a display name derived from (model,
// candidate), and start looks for it first, which also covers a token SageMaker no longer holds
// (and emulators that ignore tokens).
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
import { NonRetryableError } from '../../domain/errors.js';
import type { ObjectStore } from '../../ports/object-store.js';
import type { PipelineExecution, PipelineStatus, TrainingPipeline, TrainingRequest } from '../../ports/training-pipeline.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from './errors.js';
import { KeyedSerial } from './keyed-serial.js';
import {
  EVALUATION_REPORT_NAME,
  evaluationReportSchema,
  executionDisplayName,
  parseS3Uri,
  pipelineParameters,
  startToken,
} from './sagemaker-pipeline-parameters.js';

export {
  EVALUATION_REPORT_NAME,
  PIPELINE_PARAMETER_NAMES,
  TUNABLE_PARAMETER_NAMES,
  evaluationReportSchema,
  type EvaluationReport,
} from './sagemaker-pipeline-parameters.js';

export interface SageMakerTrainingPipelineOptions {
  /** A ready client (its own retry settings apply, and close() leaves it open); otherwise one is built. */
  client?: SageMakerClient;
  clientConfig?: SageMakerClientConfig;
  /** The deployed pipeline (`vigil pipeline deploy`). */
  pipelineName: string;
  /** `s3://bucket/prefix`: each execution writes under `<root>/<model>/<candidateVersion>/`. */
  artifactsRoot: string;
  /** Reads the evaluation reports: an object store on the artifacts bucket. */
  objectStore: ObjectStore;
}

type Parameter = { Name: string; Value: string };

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
    this.bucket = parseS3Uri(options.artifactsRoot, 'artifacts root').bucket;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new SageMakerClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...(options.clientConfig ?? {}) });
  }

  async start(request: TrainingRequest): Promise<{ executionId: string }> {
    const parameters = pipelineParameters(request, this.options.artifactsRoot);
    const displayName = executionDisplayName(request.model, request.candidateVersion);
    return this.serial.run(displayName, async () => {
      const existing = await this.findExecution(displayName, request, parameters);
      if (existing !== undefined) return { executionId: existing };
      return { executionId: await this.startExecution(displayName, request, parameters) };
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

  private async startExecution(displayName: string, request: TrainingRequest, parameters: Parameter[]): Promise<string> {
    const { pipelineName } = this.options;
    const candidate = `${request.model}/${request.candidateVersion}`;
    try {
      const started = await this.client.send(
        new StartPipelineExecutionCommand({
          PipelineName: pipelineName,
          PipelineExecutionDisplayName: displayName,
          PipelineExecutionDescription: `Vigil retraining of ${candidate}`,
          PipelineParameters: parameters,
          ClientRequestToken: startToken(pipelineName, request.model, request.candidateVersion),
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

  /** The execution a previous start of this candidate made, or undefined. */
  private async findExecution(displayName: string, request: TrainingRequest, parameters: Parameter[]): Promise<string | undefined> {
    const { pipelineName } = this.options;
    const candidate = `${request.model}/${request.candidateVersion}`;
    const arns: string[] = [];
    try {
      for await (const page of paginateListPipelineExecutions({ client: this.client }, { PipelineName: pipelineName, SortOrder: 'Descending' })) {
        for (const summary of page.PipelineExecutionSummaries ?? []) {
          if (summary.PipelineExecutionDisplayName === displayName && summary.PipelineExecutionArn !== undefined) arns.push(summary.PipelineExecutionArn);
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `list executions of pipeline ${pipelineName} (looking for ${candidate})`);
    }
    for (const arn of arns) {
      const sent = await this.parametersOf(arn);
      // The display name carries a hash; the parameters confirm it is this candidate.
      if (sent.get('Model') !== request.model || sent.get('CandidateVersion') !== request.candidateVersion) continue;
      const differing = parameters.filter((parameter) => sent.get(parameter.Name) !== parameter.Value).map((parameter) => parameter.Name);
      if (differing.length > 0) {
        throw new NonRetryableError(
          `execution ${arn} already trains ${candidate} with other parameters (${differing.join(', ')}): a different request needs a new candidate version`,
          'CONFLICT',
        );
      }
      return arn;
    }
    return undefined;
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
    const { champion, ...rest } = parsed.data;
    return champion === undefined ? rest : { ...rest, champion };
  }
}
