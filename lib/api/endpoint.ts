// The shape of an endpoint module (lib/api/<endpoint>.ts): everything that describes one endpoint
// — its route, what it takes and answers, the errors it may answer, its cache policy, its
// documentation and its examples — in one object. The function (functions/), the OpenAPI document
// (lib/openapi/), the route table serverless.yml and the client read (infra/routes.json, generated)
// and the tests are derived from the set of these modules (lib/api/index.ts).
import type * as z from 'zod/mini';
import type { ErrorKind } from '../errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointSchema {
  headers: z.ZodMiniType<Record<string, unknown>>;
  /** The query string's parameters, by name (each a string); absent: the endpoint reads none. */
  query?: z.ZodMiniType<Record<string, unknown>>;
  /** The JSON body; absent: the endpoint takes none (a GET, a DELETE), and any body sent is ignored. */
  body?: z.ZodMiniType;
  /** The success envelope's `data` (or the whole body of a `bare` endpoint); absent: no data. */
  data?: z.ZodMiniType;
  /** The errors (lib/errors.ts) this endpoint answers beside the ones every endpoint may (fields.ts COMMON_ERRORS). */
  errors: readonly ErrorKind[];
}

/**
 * The settings a deployer may change that the documentation states. The document says what the
 * service that serves it does: the docs function passes its own running configuration.
 */
export interface DocumentedLimits {
  codeTtlSeconds: number;
  codeMaxAttempts: number;
  captchaTokenTtlSeconds: number;
}

export type ExampleAnswer =
  /** An error of the catalogue; `msg` when the answer's differs (a named field, a policy rule). */
  | { error: ErrorKind; msg?: string; data?: unknown }
  /** Success: the envelope's `data` (the whole body of a bare endpoint). */
  | { data?: unknown };

/**
 * A named example: a request and the answer it gets. The document shows both under the name; the
 * test suite sends every request and checks the answer (tests/openapi/), so an example added here
 * is checked from then on. Ids, codes and tokens are illustrations: the tests' replay table says
 * which to take from a fresh flow.
 */
export interface ExampleCase {
  /** Names both the request example and the answer's example. */
  name: string;
  summary: string;
  /** The JSON body; with a non-JSON `Content-Type` header, the text sent as is. */
  body?: unknown;
  /** The query string's parameters, by name. */
  query?: Readonly<Record<string, string>>;
  /** Headers beyond the required ones: Authorization, X-Traceid, Content-Type. */
  headers?: Readonly<Record<string, string>>;
  answer: ExampleAnswer;
}

export interface EndpointDoc {
  /** The group of the API document it is listed under, in the order of a client's journey. */
  tag: string;
  summary: string;
  description: string;
}

export interface Endpoint<S extends EndpointSchema = EndpointSchema> {
  method: HttpMethod;
  path: string;
  /** The function that serves it, as serverless.yml names a handler: `<file without .ts>.handler`. */
  handler: `functions/${string}.handler`;
  schema: S;
  /** The 200 answer is the handler's result as the whole JSON body, not the envelope's `data` (JWKS). */
  bare?: boolean;
  /** `Cache-Control` of a 200 answer. Failures are never cached, whatever this says (lib/http/envelope.ts). */
  cacheControl: string;
  /** Its documentation; a function of the running limits where the prose states one. */
  doc: (limits: DocumentedLimits) => EndpointDoc;
  /** Notes on the fields only this endpoint has, by field name (shared ones: fields.ts). */
  fieldNotes?: (limits: DocumentedLimits) => Readonly<Record<string, string>>;
  /** Its own examples, the first the success; the document adds the ones every body endpoint answers. */
  examples: readonly ExampleCase[];
}

/** Declares an endpoint module, keeping its schema's exact type for its function and its client types. */
export const defineEndpoint = <S extends EndpointSchema>(endpoint: Endpoint<S>): Endpoint<S> => endpoint;

/** What an endpoint's handler answers with: the type of its documented `data`, or nothing. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- it is a return type: `handle` returns Promise<EndpointData<S>>
export type EndpointData<S extends EndpointSchema> = S['data'] extends z.ZodMiniType ? z.input<S['data']> : void;
/** What its query parameters are once validated (phones canonical). */
export type EndpointQuery<S extends EndpointSchema> = S['query'] extends z.ZodMiniType ? z.output<S['query']> : undefined;
/** What a client sends as its query parameters. */
export type EndpointRequestQuery<S extends EndpointSchema> = S['query'] extends z.ZodMiniType ? z.input<S['query']> : undefined;
/** What its body is once validated (defaults applied, phones canonical). */
export type EndpointInput<S extends EndpointSchema> = S['body'] extends z.ZodMiniType ? z.output<S['body']> : undefined;
/** What a client sends as its body. */
export type EndpointRequestBody<S extends EndpointSchema> = S['body'] extends z.ZodMiniType ? z.input<S['body']> : undefined;
