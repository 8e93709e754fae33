// Test infrastructure only: a small HTTP server in front of moto for the SageMaker calls moto does
// not implement (UpdateEndpoint, ListPipelineExecutionSteps) and the calls whose answer those change
// (DescribeEndpoint after an update). Handlers follow AWS's documented behaviour; every other
// request is forwarded to moto untouched, so the adapters under test talk to one endpoint.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../../src/adapters/shared/http-listen.js';
import { forwardRequest, readRequestBody, sendAwsJson, signedRegion } from './http-forward.js';

/** The SageMaker JSON 1.1 operation name, e.g. "UpdateEndpoint" (from X-Amz-Target: SageMaker.UpdateEndpoint). */
export type Operation = string;

export interface ShimAnswer {
  status: number;
  body: unknown;
}

export interface ShimContext {
  /** Calls moto with a SageMaker operation, in the region of the request being handled, and returns its answer. */
  callMoto(operation: Operation, body: unknown): Promise<ShimAnswer>;
}

/** Answers an operation itself; return undefined to let the request through to moto unchanged. */
export type ShimHandler = (body: Record<string, unknown>, context: ShimContext) => Promise<ShimAnswer | undefined>;

export interface SageMakerShim {
  /** Where SDK clients point (`endpoint` in their config). */
  endpoint: string;
  close(): Promise<void>;
}

/** The SageMaker error shape (JSON 1.1): the SDK reads `__type` as the error code. */
export function awsError(status: number, code: string, message: string): ShimAnswer {
  return { status, body: { __type: code, message } };
}

export async function startSageMakerShim(motoUrl: string, handlers: Record<Operation, ShimHandler>): Promise<SageMakerShim> {
  const callMotoIn = (region: string) => async (operation: Operation, body: unknown): Promise<ShimAnswer> => {
    const response = await fetch(motoUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `SageMaker.${operation}`,
        // moto reads the region from the signature's credential scope: the caller's region.
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/sagemaker/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      const failure = awsError(500, 'InternalFailure', error instanceof Error ? error.message : String(error));
      sendAwsJson(response, failure.status, failure.body);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readRequestBody(request);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : undefined;
    const handler = operation === undefined ? undefined : handlers[operation];
    if (handler !== undefined) {
      const context: ShimContext = { callMoto: callMotoIn(signedRegion(request)) };
      const answer = await handler(JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>, context);
      if (answer !== undefined) return sendAwsJson(response, answer.status, answer.body);
    }
    await forwardRequest(request, raw, response, motoUrl);
  }

  const { origin } = await listen(server);
  return {
    endpoint: origin,
    close: () => closeServer(server),
  };
}
