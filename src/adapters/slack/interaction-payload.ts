// Parsing of Slack's interactivity request body: form-encoded, with the interaction as JSON in its
// `payload` field. Only Approve / Reject clicks become decisions; other interactions are ignored,
// and anything that does not match Slack's shape is malformed.
import { z } from 'zod';
import { buttonValueSchema, decisionOf } from './approval-actions.js';

/** What the endpoint hands to the decision handler. */
export interface ApprovalDecision {
  workflowId: string;
  runId: string;
  requestId: string;
  model: string;
  version: string;
  decision: 'approve' | 'reject';
  user: { id: string; name: string };
  reason?: string;
}

/** Enough of a message block to take the buttons out of it; the rest is passed through. */
export type MessageBlock = z.output<typeof messageBlockSchema>;

export interface ApprovalClick {
  decision: ApprovalDecision;
  responseUrl: string;
  /** The clicked message's blocks, to redraw it with the outcome in place of the buttons. */
  messageBlocks: MessageBlock[];
}

export type ParsedInteraction =
  | { kind: 'click'; click: ApprovalClick }
  | { kind: 'ignored'; detail: string }
  | { kind: 'malformed'; detail: string };

const messageBlockSchema = z.looseObject({ type: z.string(), block_id: z.string().optional() });

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.object({ action_id: z.string().min(1), value: z.string().optional() })).min(1),
  response_url: z.url({ protocol: /^https?$/ }),
  message: z.object({ blocks: z.array(messageBlockSchema).optional() }).optional(),
});

const envelopeSchema = z.looseObject({ type: z.string() });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function parseInteraction(contentType: string | undefined, rawBody: Buffer): ParsedInteraction {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    return { kind: 'malformed', detail: `content type "${contentType ?? ''}" is not application/x-www-form-urlencoded` };
  }
  const payloadText = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (payloadText === null) return { kind: 'malformed', detail: 'no payload field' };
  const json = parseJson(payloadText);
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'malformed', detail: `payload: ${describeIssues(envelope.error)}` };
  // Other interactions (shortcuts, modals) may reach the same Request URL; they are not errors.
  if (envelope.data.type !== 'block_actions') return { kind: 'ignored', detail: `interaction type ${envelope.data.type}` };

  const parsed = blockActionsSchema.safeParse(json);
  if (!parsed.success) return { kind: 'malformed', detail: `payload: ${describeIssues(parsed.error)}` };
  const payload = parsed.data;
  const action = payload.actions[0];
  if (action === undefined) return { kind: 'malformed', detail: 'payload: no action' };
  const decision = decisionOf(action.action_id);
  if (decision === undefined) return { kind: 'ignored', detail: `action ${action.action_id}` };
  const value = buttonValueSchema.safeParse(parseJson(action.value ?? ''));
  if (!value.success) return { kind: 'malformed', detail: `button value: ${describeIssues(value.error)}` };

  return {
    kind: 'click',
    click: {
      decision: {
        ...value.data,
        decision,
        user: { id: payload.user.id, name: payload.user.username ?? payload.user.name ?? payload.user.id },
      },
      responseUrl: payload.response_url,
      messageBlocks: payload.message?.blocks ?? [],
    },
  };
}
