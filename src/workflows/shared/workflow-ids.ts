// Workflow ids derived from what a run is about, so a rerun of the same work is the same workflow.
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';

export function monitorWindowWorkflowId(model: string, window: TimeWindow): string {
  return `vigil-monitor-${model}-${windowLabel(window)}`;
}

/** One retraining at a time per model: a second start joins the running one. */
export function retrainingWorkflowId(model: string): string {
  return `vigil-retrain-${model}`;
}

export function deployWorkflowId(model: string, version: string): string {
  return `vigil-deploy-${model}-${version}`;
}

/** Registering the same external version again is the same run, so it cannot register twice. */
export function registerModelWorkflowId(model: string, version: string): string {
  return `vigil-register-${model}-${version}`;
}

/** One run per change of a version's reference; the id says when it was asked for. */
export function setReferenceWorkflowId(model: string, version: string, requestedAt: string): string {
  return `vigil-reference-${model}-${version}-${requestedAt}`;
}

/** One short run per audited attempt that had no open run to report to. */
export function auditEventWorkflowId(attemptId: string): string {
  return `vigil-audit-${attemptId}`;
}

/** A model's applied cleanup from the CLI: a second start while one runs waits for it, not doubled. */
export function cleanupWorkflowId(model: string): string {
  return `vigil-cleanup-${model}`;
}

/** A plan-only run: never attached to an apply that happens to be running. */
export function cleanupPlanWorkflowId(model: string, requestedAt: string): string {
  return `vigil-cleanup-plan-${model}-${requestedAt}`;
}
