// The response envelope of SPEC §0, for success and failure alike.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, ERRORS } from '../errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' } as const;

export function success(data: unknown, headers: Record<string, string> = {}): HttpResponse {
  const body = data === undefined ? { code: 0, msg: 'Success.' } : { code: 0, msg: 'Success.', data };
  return { statusCode: 200, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function failure(error: ApiError): HttpResponse {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  const body = error.data === undefined
    ? { code: error.code, msg: error.message }
    : { code: error.code, msg: error.message, data: error.data };
  return { statusCode: error.status, headers, body: JSON.stringify(body) };
}

export const internalError = (): ApiError => new ApiError('internal', { detail: ERRORS.internal.msg });
