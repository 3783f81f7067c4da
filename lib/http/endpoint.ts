// Every HTTP endpoint is the same middy chain around a plain async function:
//   normalise headers → logger context → X-Ray subsegment → metrics flush → trace id
//   → (error envelope) → size/media-type guard → JSON parse → headers, agent name (AGENT_NAMES),
//   query, body → handler.
// The body guard and the JSON parser are there only for an endpoint that takes a body: a GET or
// DELETE is served whatever body or Content-Type it arrives with (neither is read).
// Only ApiErrors carry their message to the client; anything else becomes a generic 5xx.
// A success carries the cache policy its endpoint module declares (lib/api/); a failure is never cacheable.
// Every answer is counted (lib/observability/metrics.ts): a success by the endpoint's `metric`,
// a refusal or failure by its code; the metrics go out once the envelope is known.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import type { DepsProvider } from '../container';
import { ApiError, parameterError } from '../errors';
import { logger } from '../logger';
import { countFailure, countSuccess, flushMetrics, type SuccessMetric } from '../observability/metrics';
import { recordFault, traceInvocation } from '../observability/tracer';
import { SmsSendError } from '../sms/sender';
import { isStorageThrottling, isTransientStorageError } from '../store/errors';
import type { Endpoint, EndpointData, EndpointInput, EndpointQuery, EndpointSchema } from '../api/endpoint';
import { HEADER_SPELLING, MAX_BODY_BYTES, TRACE_ID } from '../api/wire';
import { checkAgentName } from './agent-names';
import { failure, json, successBody, type HttpResponse } from './envelope';

export interface EndpointRequest<S extends EndpointSchema> {
  body: EndpointInput<S>;
  headers: z.output<S['headers']>;
  query: EndpointQuery<S>;
  sourceIp: string | undefined;
}

/**
 * An endpoint that takes `x-hw-agentName` hands the chain its container, whose AGENT_NAMES the
 * chain checks the header against (docs/API.md §7): a new such endpoint cannot forget to.
 */
type AgentCheck<S extends EndpointSchema> = S['headers'] extends { shape: { 'x-hw-agentname': unknown } }
  ? { deps: DepsProvider }
  : { deps?: DepsProvider };

/** What an endpoint's function adds to its module (lib/api/<endpoint>.ts). */
export type EndpointOptions<S extends EndpointSchema> = AgentCheck<S> & {
  /** Returns the envelope's `data`, as the schema documents it; throws ApiError for any other answer. */
  handle: (request: EndpointRequest<S>) => Promise<EndpointData<S>>;
  /** Counted once per 200 answer (infra/metrics.cjs). */
  metric?: SuccessMetric;
};

// What the chain can be handed: API Gateway always sends headers and a request context, but a
// hand-made event (`invoke local`, tests, fuzzing) may lack them; the JSON parser swaps the body
// for what it parsed.
type Event = Omit<APIGatewayProxyEventV2, 'headers' | 'requestContext' | 'body'> & {
  headers?: APIGatewayProxyEventV2['headers'];
  requestContext?: Partial<APIGatewayProxyEventV2['requestContext']>;
  body?: unknown;
};
type Request = middy.Request<Event, HttpResponse, Error, Context, { traceId?: string }>;

const JSON_MEDIA_TYPE = /^application\/json\s*(;.*)?$/i;

const traceMiddleware = (): middy.MiddlewareObj<Event, HttpResponse> => ({
  before: (request: Request) => {
    const offered = request.event.headers?.['x-traceid'];
    const valid = offered !== undefined && TRACE_ID.test(offered);
    request.internal.traceId = valid ? offered : randomUUID();
    logger.appendKeys({ traceId: request.internal.traceId });
    if (offered !== undefined && !valid) throw parameterError('X-Traceid', 'must be 1-64 characters of A-Z a-z 0-9 _ -');
  },
  after: (request: Request) => {
    if (request.response) request.response.headers['X-Traceid'] = String(request.internal.traceId);
  },
  onError: (request: Request) => {
    if (request.response) request.response.headers['X-Traceid'] = request.internal.traceId ?? randomUUID();
  },
});

/** Turns any error into the API's envelope (never cacheable); logs, counts and traces it without request data. */
const errorEnvelopeMiddleware = (): middy.MiddlewareObj<Event, HttpResponse> => ({
  onError: async (request) => {
    const error = request.error;
    let apiError: ApiError;
    let throttled = false;
    if (error instanceof ApiError) {
      apiError = error;
      throttled = error.kind === 'tooManyAttempts';
      logger.info('request refused', { status: error.status, code: error.code });
    } else if (error instanceof SmsSendError) {
      // Not storage trouble, and not a storage throttle even when the SMS provider throttled.
      apiError = error.transient ? new ApiError('serviceBusy', { retryAfterSeconds: 1 }) : new ApiError('internal');
      logger.warn('SMS not sent', { errorName: error.name, refused: error.refused });
      await recordFault(error);
    } else if (isTransientStorageError(error)) {
      apiError = new ApiError('serviceBusy', { retryAfterSeconds: 1 });
      throttled = isStorageThrottling(error);
      logger.warn('storage unavailable', { errorName: error?.name });
      await recordFault(error);
    } else {
      apiError = new ApiError('internal');
      logger.error('unexpected error', { errorName: error?.name, stack: error?.stack });
      await recordFault(error);
    }
    countFailure(apiError, throttled);
    request.response = failure(apiError);
  },
});

/** 413 and 415 before anything reads the body. */
const bodyGuardMiddleware = (): middy.MiddlewareObj<Event, HttpResponse> => ({
  before: (request) => {
    const { body, isBase64Encoded, headers } = request.event;
    if (typeof body === 'string' && Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
      throw new ApiError('bodyTooLarge');
    }
    if (body === undefined || body === '') throw parameterError('body', 'a JSON object is required');
    if (!JSON_MEDIA_TYPE.test(headers?.['content-type'] ?? '')) throw new ApiError('unsupportedMediaType');
  },
});

/** The JSON parser reports bad JSON as an HTTP error of its own; docs/API.md §5 wants 400/13000102. */
const malformedJsonMiddleware = (): middy.MiddlewareObj<Event, HttpResponse> => ({
  onError: (request) => {
    const cause = (request.error as { cause?: { package?: string } } | null)?.cause;
    if (cause?.package === '@middy/http-json-body-parser') request.error = parameterError('body', 'malformed JSON');
  },
});

function firstIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }, where: string): ApiError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : where;
  return parameterError(HEADER_SPELLING[path] ?? path, issue?.message ?? 'invalid');
}

type Validated<S extends EndpointSchema> = Pick<EndpointRequest<S>, 'body' | 'query'>;

function validateHeaders<S extends EndpointSchema>(schema: S, event: Event): EndpointRequest<S>['headers'] {
  const headers = schema.headers.safeParse(event.headers ?? {});
  if (!headers.success) throw firstIssue(headers.error, 'headers');
  return headers.data as EndpointRequest<S>['headers'];
}

/** After the headers: query parameters, then the body; the first problem found is the answer (docs/API.md §0). */
function validateRest<S extends EndpointSchema>(schema: S, event: Event): Validated<S> {
  let query: unknown;
  if (schema.query) {
    // API Gateway hands them decoded, a repeated name's values joined by commas; no query string, no object.
    const parsed = schema.query.safeParse(event.queryStringParameters ?? {});
    if (!parsed.success) throw firstIssue(parsed.error, 'query');
    query = parsed.data;
  }
  let body: unknown;
  if (schema.body) {
    if (typeof event.body !== 'object' || event.body === null || Array.isArray(event.body)) {
      throw parameterError('body', 'must be a JSON object');
    }
    const parsed = schema.body.safeParse(event.body);
    if (!parsed.success) throw firstIssue(parsed.error, 'body');
    body = parsed.data;
  }
  return { query, body } as Validated<S>;
}

/**
 * The caller's address: an HTTP API (payload 2.0) event has it under `http`, a REST API (payload
 * 1.0) event under `identity`. Without it the per-IP SMS cap does not apply, so both are read.
 */
function sourceIpOf(event: Event): string | undefined {
  const context = event.requestContext as { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } | undefined;
  return context?.http?.sourceIp || context?.identity?.sourceIp || undefined;
}

/** The endpoint's Lambda handler: its module's declaration, served by `options.handle`. */
export function httpEndpoint<S extends EndpointSchema>(endpoint: Endpoint<S>, options: EndpointOptions<S>) {
  const successHeaders = { 'Cache-Control': endpoint.cacheControl };
  const core = async (event: Event): Promise<HttpResponse> => {
    const headers = validateHeaders(endpoint.schema, event);
    const agentName = (headers as Record<string, unknown>)['x-hw-agentname'];
    if (options.deps && typeof agentName === 'string') checkAgentName((await options.deps()).config.agentNames, agentName);
    const { body, query } = validateRest(endpoint.schema, event);
    const data = await options.handle({ body, headers, query, sourceIp: sourceIpOf(event) });
    if (options.metric) countSuccess(options.metric);
    return json(successBody(data, endpoint.bare), successHeaders);
  };

  const chain = middy<Event, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceInvocation())
    // Outside the envelope: its onError runs after the envelope's has counted the failure.
    .use(flushMetrics())
    .use(traceMiddleware())
    .use(errorEnvelopeMiddleware());
  if (endpoint.schema.body) {
    // The guard has checked the media type (case-insensitively, as RFC 9110 wants); the parser's own
    // check is stricter and would call a valid `APPLICATION/JSON` body malformed.
    const parserOptions = { disableContentTypeCheck: true } as Parameters<typeof httpJsonBodyParser>[0];
    chain.use(bodyGuardMiddleware()).use(malformedJsonMiddleware()).use(httpJsonBodyParser(parserOptions));
  }
  return chain.handler(core);
}
