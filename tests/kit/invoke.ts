// Invokes a handler the way API Gateway (HTTP API, payload 2.0) and Lambda would: used by the
// tests and the benchmarks.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import lambdaRuntime from './lambda-context.cjs';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The parsed envelope; `data` of any endpoint, callers read the fields they assert. */
  body: { code: number; msg: string; data?: Record<string, any> };
  raw: string;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export const lambdaContext = (): Context => lambdaRuntime.lambdaContext();

export interface EventOptions {
  body?: unknown;
  /** A raw body string, sent as is. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Query parameters, as API Gateway hands them over (decoded; a repeated name's values joined by commas). */
  query?: Record<string, string>;
  sourceIp?: string;
  path?: string;
  /** Default POST. */
  method?: string;
}

export function httpEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const headers = options.headers ?? { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' };
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const method = options.method ?? 'POST';
  return {
    version: '2.0',
    routeKey: `${method} ${options.path ?? '/'}`,
    rawPath: options.path ?? '/',
    rawQueryString: options.query ? new URLSearchParams(options.query).toString() : '',
    headers,
    // API Gateway leaves it out when there is no query string.
    ...(options.query && Object.keys(options.query).length > 0 ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: options.path ?? '/', protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: `${method} ${options.path ?? '/'}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * A POST as an API Gateway REST API (Lambda proxy, payload 1.0) hands it over, where the source
 * address is under `requestContext.identity`; typed as the HTTP API event the handlers take.
 */
export function restEvent(path: string, body: object, sourceIp: string): APIGatewayProxyEventV2 {
  const event: APIGatewayProxyEvent = {
    resource: path,
    path,
    httpMethod: 'POST',
    headers: { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: undefined,
      httpMethod: 'POST',
      identity: { sourceIp, userAgent: 'jest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: path,
      stage: 'prod',
    },
  };
  return event as unknown as APIGatewayProxyEventV2;
}

export async function call(handler: Handler, options: EventOptions = {}): Promise<Answer> {
  const result = (await handler(httpEvent(options), lambdaContext())) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  return { status: result.statusCode, headers: result.headers, body: JSON.parse(result.body) as Answer['body'], raw: result.body };
}
