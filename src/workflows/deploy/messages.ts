// The deploy workflow's input and query, in a module of their own so its steps and clients can
// import them without the workflow.
import { defineQuery } from '@temporalio/workflow';
import type { DeployStage } from '../../domain/deploy/types.js';

export interface DeployInput {
  model: string;
  version: string;
  artifactUri: string;
  requestedBy: string;
  reason: string;
  /** Production rows the smoke tests replay; defaults to the last 7 days before the deploy. */
  sampleWindow?: { start: string; end: string };
}

export const deployStageQuery = defineQuery<DeployStage>('stage');
