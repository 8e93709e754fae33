// Retraining's activities: plan the run, start and follow the training pipeline (heartbeating),
// register the candidate, apply the gate, ask for approval and record the outcome, decide the
// drift trigger. Each is idempotent for its retraining run.
import { heartbeat } from '../shared/activity-context.js';
import { durationMs } from '../../config/retraining-schema.js';
import type { BreachKind, TimeWindow } from '../../domain/monitoring/types.js';
import { startOfUtcDay } from '../../domain/monitoring/windows.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import { championChallengerGate, type GateVerdict } from '../../domain/retraining/gate.js';
import { decideRetraining, type RecentWindow, type TriggerDecision } from '../../domain/retraining/trigger.js';
import type { Approver } from '../../domain/retraining/approval-check.js';
import type { ApprovalOutcome, ApprovalRequest } from '../../ports/approval-channel.js';
import type { ApprovalStatus } from '../../domain/retraining/registered-version.js';
import type { Severity } from '../../domain/alerts/alert.js';
import type { EvaluationMetrics } from '../../domain/retraining/evaluation-metrics.js';
import type { PipelineExecution } from '../../ports/training-pipeline.js';
import { classified } from '../shared/activity-errors.js';
import { DeliveryLedger } from '../shared/delivery-ledger.js';
import { modelOf } from '../shared/model-of.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { alertRun, recordRunAudit, runLink, type RunAudit } from '../shared/run-events.js';

const dayMs = 86_400_000;

export interface RetrainingPlan {
  candidateVersion: string;
  championVersion?: string;
  trainingWindow: TimeWindow;
  holdoutWindow: TimeWindow;
  holdoutShare: number;
  asOf: string;
  approvers: Approver[];
  approvalTimeoutMs: number;
  tolerance: number;
  ridgeAlpha: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** v1, v2, ...: the next number after every version the registry and the host know. */
export function nextVersion(known: string[]): string {
  const numbers = known.map((version) => /^v(\d+)$/.exec(version)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  return `v${Math.max(0, ...numbers) + 1}`;
}

export function createRetrainingActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());

  return {
    async planRetraining({ model, at }: { model: string; at: string }): Promise<RetrainingPlan> {
      return classified(`plan retraining of ${model}`, async () => {
        const config = modelOf(deps, model).config;
        const policy = config.retraining;
        const production = await deps.modelHost.describeEndpoint(config.endpoints.production);
        const registered = (await deps.registry.list(model)).map((entry) => entry.version);
        const hosted = (await deps.modelHost.listModelVersions(model)).map((entry) => entry.version);
        // Whole days: the holdout ends where `at`'s day begins, training ends where holdout begins.
        const end = startOfUtcDay(at);
        const holdoutStart = end - policy.holdoutDays * dayMs;
        // A hash split lets training reach the newest day; a time split stops where holdout begins.
        const trainingEnd = policy.holdoutShare < 1 ? end : holdoutStart;
        return {
          candidateVersion: nextVersion([...registered, ...hosted]),
          ...(production?.currentVersion === undefined ? {} : { championVersion: production.currentVersion }),
          trainingWindow: { start: iso(trainingEnd - policy.trainingDays * dayMs), end: iso(trainingEnd) },
          holdoutWindow: { start: iso(holdoutStart), end: iso(end) },
          holdoutShare: policy.holdoutShare,
          asOf: at,
          approvers: config.approvers,
          approvalTimeoutMs: durationMs(policy.approvalTimeout),
          tolerance: policy.tolerance,
          ridgeAlpha: policy.ridgeAlpha,
        };
      });
    },

    async startTraining({ model, plan }: { model: string; plan: RetrainingPlan }): Promise<{ executionId: string }> {
      return classified(`start training of ${model}/${plan.candidateVersion}`, () =>
        deps.training.start({
          model,
          candidateVersion: plan.candidateVersion,
          trainingWindow: plan.trainingWindow,
          holdoutWindow: plan.holdoutWindow,
          holdoutShare: plan.holdoutShare,
          ...(plan.championVersion === undefined ? {} : { championVersion: plan.championVersion }),
          asOf: plan.asOf,
          parameters: { alpha: plan.ridgeAlpha },
        }),
      );
    },

    /** Follows the execution to a terminal state, heartbeating its step (resumable after a crash). */
    async waitForTraining({ executionId }: { executionId: string }): Promise<PipelineExecution> {
      return classified(`training ${executionId}`, async () => {
        for (let attempt = 0; ; attempt += 1) {
          const execution = await deps.training.describe(executionId);
          if (execution.status !== 'Executing') return execution;
          heartbeat({ executionId, step: execution.step ?? 'executing', attempt });
          await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 200 * 2 ** Math.min(attempt, 6))));
        }
      });
    },

    async registerCandidate(args: { model: string; version: string; artifactUri: string; metrics: Record<string, number | null>; reason: string; workflowId: string }): Promise<void> {
      await deps.registry.register({
        model: args.model,
        version: args.version,
        artifactUri: args.artifactUri,
        metrics: args.metrics,
        origin: { reason: args.reason, workflowId: args.workflowId },
        registeredAt: now().toISOString(),
      });
    },

    championChallenger({ model, candidate, champion }: { model: string; candidate: EvaluationMetrics; champion?: EvaluationMetrics | undefined }): Promise<GateVerdict> {
      return Promise.resolve(championChallengerGate(candidate, champion, modelOf(deps, model).config.retraining.tolerance));
    },

    async setCandidateStatus({ model, version, status, by, reason }: { model: string; version: string; status: ApprovalStatus; by: string; reason: string }): Promise<void> {
      await deps.registry.setStatus(model, version, status, by, reason);
    },

    /**
     * Posts the request once on every approval channel and returns their message references. A
     * retry (a channel failed, the worker died) updates the messages already posted instead of
     * posting new ones with live buttons.
     */
    async requestApproval({ request }: { request: ApprovalRequest }): Promise<{ refs: Record<string, string> }> {
      const withLink = { ...request, runUrl: runLink(deps, request.workflowId, request.runId) };
      const ledger = new DeliveryLedger(`${request.workflowId}/${request.runId}/${request.requestId}`);
      const refs: Record<string, string> = {};
      const failures: string[] = [];
      for (const channel of deps.approvals) {
        const previous = ledger.get(channel.channel);
        try {
          const { messageRef } = await channel.requestApproval(withLink, previous === '' ? undefined : previous);
          if (messageRef !== undefined) refs[channel.channel] = messageRef;
          ledger.record(channel.channel, messageRef);
        } catch (error) {
          failures.push(`${channel.channel}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(`approval request ${request.requestId} could not be posted: ${failures.join('; ')}`);
      return { refs };
    },

    async recordApprovalOutcome({ request, refs, outcome }: { request: ApprovalRequest; refs: Record<string, string>; outcome: ApprovalOutcome }): Promise<void> {
      for (const channel of deps.approvals) await channel.recordOutcome(request, refs[channel.channel], outcome);
    },

    async auditRetraining(args: RunAudit): Promise<void> {
      await recordRunAudit(deps, now, args);
    },

    async alertRetraining(args: { model: string; workflowId: string; runId: string; severity: Severity; title: string; text: string }): Promise<void> {
      await alertRun(deps, { ...args, incidentKey: `${args.model}:retraining:${args.runId}` });
    },

    /** K of the last N windows breached, outside the cooldown, and not a data quality incident. */
    async evaluateRetrainTrigger({ model, at }: { model: string; at: string }): Promise<TriggerDecision> {
      return classified(`retraining trigger of ${model}`, async () => {
        const trigger = modelOf(deps, model).config.retraining.trigger;
        if (!trigger.enabled) return { trigger: false, reason: 'the drift trigger is disabled', breachedWindows: [] };
        const sql = dialectFor(deps.warehouse.dialect);
        const { rows } = await deps.warehouse.query(
          `SELECT window_end, status, summary FROM monitoring_runs WHERE model = ${sql.string(model)} AND window_end <= ${sql.string(new Date(Date.parse(at)).toISOString())} ` +
            `ORDER BY window_end DESC LIMIT ${Math.trunc(trigger.n)}`,
          { label: `trigger:${model}` },
        );
        const recent: RecentWindow[] = rows.map((row) => {
          const summary = parseSummary(row.summary);
          return {
            windowEnd: String(row.window_end),
            status: row.status === 'no_data' ? 'no_data' : 'ok',
            breachKinds: summary.breachKinds,
            dataQualityIncident: summary.dataQualityIncident,
          };
        });
        const triggered = await deps.audit.list({ model });
        // The cooldown runs on the monitoring timeline (a backfill's nominal times), not the wall clock.
        const last = triggered
          .filter((event) => event.action === 'retraining.triggered')
          .map((event) => (typeof event.detail?.nominalAt === 'string' ? event.detail.nominalAt : event.at))
          .sort()
          .at(-1);
        return decideRetraining({ k: trigger.k, n: trigger.n, on: trigger.on, cooldownMs: durationMs(trigger.cooldown) }, recent, last, at);
      });
    },
  };
}

function parseSummary(value: unknown): { breachKinds: BreachKind[]; dataQualityIncident: boolean } {
  try {
    const parsed = JSON.parse(String(value)) as { breachKinds?: BreachKind[]; dataQualityIncident?: boolean };
    return { breachKinds: parsed.breachKinds ?? [], dataQualityIncident: parsed.dataQualityIncident === true };
  } catch {
    return { breachKinds: [], dataQualityIncident: false };
  }
}

