// Test infrastructure only: shim handlers (see sagemaker-shim.ts) for the pipeline calls moto lacks.
// moto has no ListPipelineExecutionSteps, and every execution it starts is Succeeded at once. The
// handlers answer ListPipelineExecutionSteps in AWS's documented shape from what moto knows: the
// execution (DescribePipelineExecution) and its pipeline's definition (DescribePipeline). A test may
// override an execution's status and its steps' (a running or failed execution); DescribePipeline-
// Execution and ListPipelineExecutions then report the overridden status, and every other call
// still goes to moto.
//
// Steps are the definition's top-level steps in order, one second apart from the execution's start;
// without an override each is Succeeded when the execution is, and not started otherwise. Paging
// (MaxResults, NextToken) is not modelled: a pipeline here has a handful of steps.
import type { Operation, ShimAnswer, ShimContext, ShimHandler } from './sagemaker-shim.js';

export type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';
export type ExecutionStatus = 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';

export interface StepOverride {
  status: StepStatus | 'NotStarted';
  failureReason?: string;
}

export interface ExecutionOverride {
  status?: ExecutionStatus;
  /** DescribePipelineExecution's FailureReason. */
  failureReason?: string;
  /** By step name; steps not named follow the execution's status. */
  steps?: Record<string, StepOverride>;
}

export interface PipelineStepsShim {
  /** Pass to startSageMakerShim (merge with other handler sets if needed). */
  handlers: Record<Operation, ShimHandler>;
  override(executionArn: string, override: ExecutionOverride): void;
  clear(executionArn?: string): void;
}

const terminal = new Set<string>(['Stopped', 'Failed', 'Succeeded']);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** moto's timestamps as epoch seconds, the JSON protocols' wire form. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function epochSeconds(value: unknown): number {
  if (typeof value === 'number') return value;
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? Date.now() / 1000 : parsed / 1000;
}

function stepsOf(definitionText: unknown): { name: string; type: string }[] {
  if (typeof definitionText !== 'string') return [];
  const steps = record(JSON.parse(definitionText) as unknown)['Steps'];
  return (Array.isArray(steps) ? steps : []).map((step) => ({ name: text(record(step)['Name']), type: text(record(step)['Type']) }));
}

function jobMetadata(type: string, arn: string, name: string): Record<string, unknown> {
  const job = arn.replace(/:pipeline\/.*$/, '');
  const id = `${arn.split('/').pop() ?? 'x'}-${name}`.toLowerCase();
  if (type === 'Training') return { TrainingJob: { Arn: `${job}:training-job/pipelines-${id}` } };
  if (type === 'Processing') return { ProcessingJob: { Arn: `${job}:processing-job/pipelines-${id}` } };
  return {};
}

export function createPipelineStepsShim(): PipelineStepsShim {
  const overrides = new Map<string, ExecutionOverride>();

  async function describeExecution(arn: string, context: ShimContext): Promise<ShimAnswer> {
    const answer = await context.callMoto('DescribePipelineExecution', { PipelineExecutionArn: arn });
    const override = overrides.get(arn);
    if (answer.status !== 200 || override?.status === undefined) return answer;
    return {
      status: 200,
      body: { ...record(answer.body), PipelineExecutionStatus: override.status, FailureReason: override.failureReason ?? '' },
    };
  }

  const ListPipelineExecutionSteps: ShimHandler = async (body, context) => {
    const arn = text(body['PipelineExecutionArn']);
    const execution = await describeExecution(arn, context);
    if (execution.status !== 200) return execution;
    const described = record(execution.body);
    const pipeline = await context.callMoto('DescribePipeline', { PipelineName: text(described['PipelineArn']).split('/').pop() });
    if (pipeline.status !== 200) return pipeline;
    const started = epochSeconds(described['CreationTime']);
    const executionStatus = text(described['PipelineExecutionStatus']);
    const override = overrides.get(arn);
    const steps = stepsOf(record(pipeline.body)['PipelineDefinition']).flatMap(({ name, type }, index) => {
      const chosen = override?.steps?.[name] ?? { status: executionStatus === 'Succeeded' ? 'Succeeded' : 'NotStarted' };
      if (chosen.status === 'NotStarted') return [];
      const start = started + index;
      return [
        {
          StepName: name,
          StepDisplayName: name,
          StartTime: start,
          ...(terminal.has(chosen.status) ? { EndTime: start + 1 } : {}),
          StepStatus: chosen.status,
          AttemptCount: 1,
          ...(chosen.failureReason === undefined ? {} : { FailureReason: chosen.failureReason }),
          Metadata: jobMetadata(type, arn, name),
        },
      ];
    });
    // AWS lists the most recent step first unless asked for Ascending.
    const ordered = body['SortOrder'] === 'Ascending' ? steps : [...steps].reverse();
    return { status: 200, body: { PipelineExecutionSteps: ordered } };
  };

  const DescribePipelineExecution: ShimHandler = async (body, context) => {
    const arn = text(body['PipelineExecutionArn']);
    return overrides.get(arn)?.status === undefined ? undefined : describeExecution(arn, context);
  };

  const ListPipelineExecutions: ShimHandler = async (body, context) => {
    if (overrides.size === 0) return undefined;
    const answer = await context.callMoto('ListPipelineExecutions', body);
    if (answer.status !== 200) return answer;
    const listed = record(answer.body);
    const summaries = Array.isArray(listed['PipelineExecutionSummaries']) ? (listed['PipelineExecutionSummaries'] as unknown[]) : [];
    const patched = summaries.map((entry) => {
      const summary = record(entry);
      const override = overrides.get(text(summary['PipelineExecutionArn']));
      if (override?.status === undefined) return summary;
      return { ...summary, PipelineExecutionStatus: override.status, PipelineExecutionFailureReason: override.failureReason ?? '' };
    });
    return { status: 200, body: { ...listed, PipelineExecutionSummaries: patched } };
  };

  return {
    handlers: { ListPipelineExecutionSteps, DescribePipelineExecution, ListPipelineExecutions },
    override(arn, override) {
      overrides.set(arn, override);
    },
    clear(arn) {
      if (arn === undefined) overrides.clear();
      else overrides.delete(arn);
    },
  };
}
