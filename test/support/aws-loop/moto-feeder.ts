// Test infrastructure only: an HTTP front for the AWS end-to-end test that fills moto's result queues
// just in time, then forwards the request unchanged (to the SageMaker shim, which forwards to moto).
// moto answers Athena queries and endpoint invocations from queues a test fills through its
// /moto-api/static/... routes, taken in arrival order; this front computes each answer from the
// request itself (the Athena SQL run on DuckDB, the served model applied to the rows) and queues it
// immediately before the request it belongs to, one request at a time, so answers cannot cross.
// It implements no AWS operation: every request still reaches moto.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../../../src/adapters/shared/http-listen.js';
import { forwardRequest, readRequestBody, sendAwsJson, signedRegion } from '../http-forward.js';
import type { AthenaAnswer } from '../athena-twin/athena-twin.js';

export interface InvocationAnswer {
  body: string;
  contentType: string;
  variant?: string;
}

export interface FeederHooks {
  /** The answer Athena would give to a statement; throwing refuses the start with the message. */
  athenaQuery(sql: string): Promise<AthenaAnswer>;
  /** What the endpoint's current model answers. */
  invokeEndpoint(endpoint: string, body: Buffer, contentType: string): Promise<InvocationAnswer>;
  /** Runs the pipeline's work (moto reports every execution Succeeded at once). */
  startPipelineExecution(request: Record<string, unknown>): Promise<void>;
}

export interface MotoFeeder {
  endpoint: string;
  /** Requests answered per kind, for assertions. */
  counts: { athena: number; invocations: number; pipelines: number };
  close(): Promise<void>;
}

const accountId = '123456789012';

export async function startMotoFeeder(options: {
  upstream: string;
  motoUrl: string;
  hooks: FeederHooks;
  /** What each finished query reports as DataScannedInBytes (moto always says 0). */
  bytesScannedPerQuery?: number;
}): Promise<MotoFeeder> {
  const counts = { athena: 0, invocations: 0, pipelines: 0 };
  let turn: Promise<unknown> = Promise.resolve();
  let invocation = 0;
  /** StartQueryExecution's answer per ClientRequestToken (undefined: that start failed). */
  const startedByToken = new Map<string, Promise<unknown>>();

  async function queue(path: string, payload: unknown): Promise<void> {
    const response = await fetch(`${options.motoUrl}/moto-api/static/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (response.status !== 201) throw new Error(`moto refused ${path}: HTTP ${response.status}`);
  }

  /** Runs prepare-then-forward as one turn, so the queued answer is the one this request takes. */
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendAwsJson(response, 400, { __type: 'InvalidRequestException', message: error instanceof Error ? error.message : String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const region = signedRegion(request);
    const extraHeaders: Record<string, string> = {};
    const invoked = /^\/endpoints\/([^/]+)\/invocations$/.exec(request.url ?? '');

    if (target === 'AmazonAthena.StartQueryExecution') {
      const { QueryString: sql, ClientRequestToken: token } = JSON.parse(body.toString('utf8')) as { QueryString: string; ClientRequestToken?: string };
      // Athena starts a query once per ClientRequestToken and answers a repeat (the SDK's own
      // retries resend the token) with the first start's execution; moto would start another and
      // run the statement, an UNLOAD's writes included, twice.
      const earlier = token === undefined ? undefined : await startedByToken.get(token);
      if (earlier !== undefined) return sendAwsJson(response, 200, earlier);
      const start = inTurn(async () => {
        const answer = await options.hooks.athenaQuery(sql);
        const cells = (values: (string | undefined)[]) => ({ Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) });
        // A SELECT's results start with a header row, as Athena's do.
        const select = /^\s*(SELECT|WITH)\b/i.test(sql);
        const rows = [
          ...(select && answer.columns.length > 0 ? [cells(answer.columns.map((c) => c.Name))] : []),
          ...answer.rows.map((row) => cells(answer.columns.map((c) => textOf(row[c.Name])))),
        ];
        await queue('athena/query-results', { account_id: accountId, region, results: [{ rows, column_info: answer.columns }] });
        counts.athena += 1;
        let started: unknown;
        await forwardRequest(request, body, response, options.upstream, extraHeaders, (status, answered) => {
          if (status === 200) started = JSON.parse(answered.toString('utf8'));
          return answered;
        });
        return started;
      });
      // A start that failed started nothing: a repeat of its token starts anew.
      if (token !== undefined) startedByToken.set(token, start.catch(() => undefined));
      await start;
      return;
    }
    if (invoked !== null && request.method === 'POST') {
      return inTurn(async () => {
        const endpoint = decodeURIComponent(invoked[1] ?? '');
        const answer = await options.hooks.invokeEndpoint(endpoint, body, String(request.headers['content-type'] ?? 'text/csv'));
        await queue('sagemaker/endpoint-results', {
          account_id: accountId,
          region,
          results: [{ Body: answer.body, ContentType: answer.contentType, InvokedProductionVariant: answer.variant ?? '', CustomAttributes: '' }],
        });
        counts.invocations += 1;
        // moto caches answers by request headers and body; a distinct inference id makes each call new.
        invocation += 1;
        extraHeaders['x-amzn-sagemaker-inference-id'] = `feeder-${invocation}`;
        await forwardRequest(request, body, response, options.upstream, extraHeaders);
      });
    }
    if (target === 'AmazonAthena.GetQueryExecution' && options.bytesScannedPerQuery !== undefined) {
      const stamped = options.bytesScannedPerQuery;
      return forwardRequest(request, body, response, options.upstream, extraHeaders, (status, answer) => {
        if (status !== 200) return answer;
        const parsed = JSON.parse(answer.toString('utf8')) as { QueryExecution?: { Status?: { State?: string }; Statistics?: Record<string, unknown> } };
        const execution = parsed.QueryExecution;
        if (execution?.Status?.State !== 'SUCCEEDED') return answer;
        execution.Statistics = { ...execution.Statistics, DataScannedInBytes: stamped };
        return Buffer.from(JSON.stringify(parsed));
      });
    }
    if (target === 'SageMaker.StartPipelineExecution') {
      await options.hooks.startPipelineExecution(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      counts.pipelines += 1;
    }
    await forwardRequest(request, body, response, options.upstream, extraHeaders);
  }

  const { origin } = await listen(server);
  return {
    endpoint: origin,
    counts,
    close: () => closeServer(server),
  };
}

function textOf(cell: string | number | boolean | null | undefined): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  return typeof cell === 'string' ? cell : String(cell);
}
