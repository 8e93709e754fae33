// Slack's Approve / Reject buttons, served by the worker process when a signing secret is
// configured: verified clicks become the retraining workflow's validated Update; every refused
// request (forged, replayed, malformed) and every refused decision is audited.
import { readSecret, type LoadedConfig } from '../config/load.js';
import { startSlackInteractions, type SlackInteractions } from '../adapters/slack/slack-interactions.js';
import { applyDecision } from '../temporal/approvals.js';
import { connectClient } from '../temporal/connect.js';
import type { Runtime } from './compose-runtime.js';

export interface InteractionsOptions {
  /** Where a click's response_url may point (default: Slack's hosts); tests use a local server. */
  responseUrlOrigins?: string[];
}

export async function startInteractions(
  loaded: LoadedConfig,
  runtime: Runtime,
  options: InteractionsOptions = {},
): Promise<{ close(): Promise<void> } | undefined> {
  const slack = loaded.config.slack;
  if (slack?.signingSecret === undefined) return undefined;
  const connected = await connectClient();
  let server: SlackInteractions;
  try {
    server = await startSlackInteractions({
      signingSecret: readSecret(slack.signingSecret),
      host: slack.interactionsHost,
      port: slack.interactionsPort,
      path: slack.interactionsPath,
      ...(options.responseUrlOrigins === undefined ? {} : { responseUrlOrigins: options.responseUrlOrigins }),
      // The click decides exactly the run, request and version its button carries, as the
      // Slack user who clicked (Slack's signature vouches for the id).
      applyDecision: (decision) =>
        applyDecision(
          connected.client,
          {
            decision: decision.decision,
            by: decision.user.id,
            via: 'slack',
            workflowId: decision.workflowId,
            runId: decision.runId,
            candidateVersion: decision.version,
            requestId: decision.requestId,
            ...(decision.reason === undefined ? {} : { reason: decision.reason }),
          },
          { taskQueue: loaded.config.temporal.taskQueue },
        ),
      // One row per source and minute, replaced by id as the endpoint reports the minute's running
      // count: a flood of refused requests costs a row per source and minute, not one per request.
      onRefused: (refused) =>
        runtime.deps.audit.record({
          id: `slack-refused:${refused.remoteAddress ?? 'unknown'}:${refused.window}`,
          at: refused.firstAt,
          actor: refused.remoteAddress ?? 'unknown',
          action: 'approval.request-refused',
          detail: {
            via: 'slack',
            reason: refused.reason,
            detail: refused.detail,
            count: refused.count,
            reasons: refused.reasons,
            firstAt: refused.firstAt,
            lastAt: refused.lastAt,
          },
        }),
    });
  } catch (error) {
    await connected.close();
    throw error;
  }
  console.error(`vigil: Slack interactions on ${server.url}`);
  return {
    close: async () => {
      await server.close();
      await connected.close();
    },
  };
}
