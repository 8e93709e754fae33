// The Approve / Reject buttons' contract: their action ids and the value each carries, shared by
// the message that shows them and the endpoint that receives the clicks.
import { z } from 'zod';

export const approveActionId = 'vigil_approve';
export const rejectActionId = 'vigil_reject';

/** Slack refuses a button whose value is longer than this. */
export const maxButtonValueLength = 2000;

/** What the approver saw: the run, the request and the version a click decides, nothing else. */
export const buttonValueSchema = z
  .object({
    workflowId: z.string().min(1),
    runId: z.string().min(1),
    requestId: z.string().min(1),
    model: z.string().min(1),
    version: z.string().min(1),
  })
  .strict();

export type ButtonValue = z.output<typeof buttonValueSchema>;

export function encodeButtonValue(value: ButtonValue): string {
  const text = JSON.stringify({ workflowId: value.workflowId, runId: value.runId, requestId: value.requestId, model: value.model, version: value.version });
  if (text.length > maxButtonValueLength) {
    throw new Error(`button value is ${text.length} characters; Slack allows ${maxButtonValueLength} (workflow id too long?)`);
  }
  return text;
}

/** The decision a button stands for, or undefined for an action that is not ours. */
export function decisionOf(actionId: string): 'approve' | 'reject' | undefined {
  if (actionId === approveActionId) return 'approve';
  if (actionId === rejectActionId) return 'reject';
  return undefined;
}
