// The approved candidate's staged deploy, as a child workflow with a stable id per version.
import { executeChild } from '@temporalio/workflow';
import type { DecisionInput } from '../../domain/retraining/approval-check.js';
import { deployWorkflow } from '../deploy/deploy.js';
import { deployWorkflowId } from '../shared/workflow-ids.js';
import type { RetrainingPlan, TrainedCandidate } from './activities.js';
import type { RetrainingResult } from './messages.js';
import type { RetrainingRun } from './run.js';

export async function deployCandidate(run: RetrainingRun, plan: RetrainingPlan, trained: TrainedCandidate, approved: DecisionInput): Promise<RetrainingResult> {
  const { model } = run;
  run.enter('deploying');
  const deploy = await executeChild(deployWorkflow, {
    workflowId: deployWorkflowId(model, plan.candidateVersion),
    args: [{ model, version: plan.candidateVersion, artifactUri: trained.artifactUri, requestedBy: approved.by, reason: run.reason, sampleWindow: plan.holdoutWindow }],
  });
  run.enter(deploy.outcome === 'deployed' ? 'done' : 'failed');
  return {
    model,
    outcome: deploy.outcome === 'deployed' ? 'deployed' : deploy.outcome,
    candidateVersion: plan.candidateVersion,
    decidedBy: approved.by,
    deploy,
  };
}
