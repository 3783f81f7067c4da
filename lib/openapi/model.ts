// What the modules that build the OpenAPI document share: the shapes of its parts, the names of
// its components, and the headers every answer carries.
import { TRACE_ID } from '../api/fields';
import type { RouteName } from '../api/index';
import type { ErrorKind } from '../errors';
import { NO_STORE } from '../http/envelope';
import type { JsonSchema } from './json-schema';

export type OpenApiDocument = JsonSchema & {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> } & JsonSchema;
};

export interface Operation {
  operationId: RouteName;
  parameters: Parameter[];
  requestBody?: { content: Record<string, MediaType> } & JsonSchema;
  /** By HTTP status. */
  responses: Record<string, Answer>;
  [key: string]: unknown;
}

export interface Answer {
  description: string;
  headers: Record<string, Header>;
  content: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'header' | 'query';
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, Example>;
  [key: string]: unknown;
}

export interface Header {
  required: boolean;
  schema: JsonSchema;
  description: string;
}

export interface MediaType {
  schema: JsonSchema;
  examples?: Record<string, Example>;
}

export interface Example {
  summary: string;
  value: unknown;
}

export const JSON_MEDIA_TYPE = 'application/json';
export const TRACE_HEADER = 'X-Traceid';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The ids of the components (`#/components/schemas/<id>`). */
export const componentIds = {
  request: (route: RouteName) => `${pascal(route)}Request`,
  data: (route: RouteName) => `${pascal(route)}Data`,
  error: (kind: ErrorKind) => `${pascal(kind)}Error`,
  errorData: (kind: ErrorKind) => `${pascal(kind)}Data`,
};

/** An X-Traceid, in a request or an answer. */
export const TRACE_ID_SCHEMA = { type: 'string', pattern: TRACE_ID.source } as const;

/** The headers of every answer: its trace id, and `cacheControl`, what a cache may do with it. */
export function answerHeaders(cacheControl: string): Record<string, Header> {
  return {
    [TRACE_HEADER]: {
      required: true,
      description: "The request's X-Traceid, or the one generated for it.",
      schema: TRACE_ID_SCHEMA,
    },
    'Cache-Control': {
      required: true,
      description: cacheControl === NO_STORE ? 'Never cached.' : 'How long the answer may be cached.',
      schema: { type: 'string', const: cacheControl },
    },
  };
}
