// The response envelope of docs/API.md §0, for success and failure alike.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from '../errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

/** docs/API.md §0: what every success says; the OpenAPI document reads it from here. */
export const SUCCESS = { code: 0, msg: 'Success.' } as const;

/**
 * `Cache-Control` of every failure, whatever the endpoint caches on success: a refusal or an outage
 * kept by a CDN or browser would go on being served after the cause is gone.
 */
export const NO_STORE = 'no-store';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' } as const;

export const json = (body: unknown, headers: Record<string, string> = {}, statusCode = 200): HttpResponse => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/** A 200's body: the envelope around `data`, or `data` itself for a bare endpoint (the JWKS). */
export const successBody = (data: unknown, bare = false): unknown => {
  if (bare) return data;
  return data === undefined ? SUCCESS : { ...SUCCESS, data };
};

/** A failure's body: its code and message, and its data when it has some. */
export const failureBody = (code: number, msg: string, data?: unknown) => (data === undefined ? { code, msg } : { code, msg, data });

export function failure(error: ApiError): HttpResponse {
  const headers: Record<string, string> = { 'Cache-Control': NO_STORE };
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  return json(failureBody(error.code, error.message, error.data), headers, error.status);
}
