// The OpenAPI 3.1 document of the service, built from what the service itself runs on: the route
// table (infra/routes.cjs), the request and answer schemas (lib/schemas.ts), the error catalogue
// (lib/errors.ts). Nothing here restates a field, a code or a message; a change there changes the
// document. Built in memory, in a few milliseconds: by the docs function at cold start, by
// `npm run openapi`, by the tests.
import type * as z from 'zod/mini';
import { routes } from '../../infra/routes.cjs';
import { version } from '../../package.json';
import { ERRORS, type ErrorKind } from '../errors';
import { BODY_ERRORS, COMMON_ERRORS, MAX_BODY_BYTES, TRACE_ID, sessionInfo, wrongCodeData } from '../schemas';
import { ENDPOINTS, type EndpointDoc, type RouteName } from './endpoints';
import { LIVE_VALUES, examplesOf, type ExampleCase } from './examples';
import { schemaRef, toComponents, toJsonSchema, type JsonSchema } from './json-schema';
import { ERROR_WHEN, FIELD_NOTES, OVERVIEW, TITLE } from './texts';

export type OpenApiDocument = JsonSchema & {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> } & JsonSchema;
};

export interface Operation {
  operationId: RouteName;
  parameters: Parameter[];
  requestBody?: { content: Record<string, MediaType> } & JsonSchema;
  responses: Record<string, { description: string; headers: Record<string, Header>; content: Record<string, MediaType> }>;
  [key: string]: unknown;
}

export interface Parameter {
  name: string;
  in: 'header';
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
  /** How the replay sends this request: headers that are not parameters, and where live values go. */
  'x-replay'?: Replay;
}

export interface Replay {
  headers?: Record<string, string>;
  live?: ExampleCase['live'];
}

const JSON_MEDIA_TYPE = 'application/json';
/** SPEC §0: the success envelope. */
const SUCCESS = { code: 0, msg: 'Success.' } as const;
const ACCESS_TOKEN_SCHEME = 'accessToken';

/** Request headers as the SPEC spells them (the schemas hold them lower-cased, as middy hands them over). */
const HEADERS: Readonly<Record<string, { name: string; description: string; example: string }>> = {
  'x-hw-agentname': { name: 'x-hw-agentName', description: 'The calling carrier or agent app.', example: 'demo-app' },
};
const TRACE_HEADER = 'X-Traceid';

/** The data some errors carry. */
const ERROR_DATA: Partial<Record<ErrorKind, z.ZodMiniType>> = { wrongCode: wrongCodeData };

/** Errors whose `msg` is more than the catalogue's: the parameter named, the password rule broken. */
const ERROR_MSG: Partial<Record<ErrorKind, JsonSchema>> = {
  parameter: {
    type: 'string',
    pattern: `^${ERRORS.parameter.msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    description: 'The catalogue message, then the field and what is wrong with it.',
  },
  // Every rule of lib/password-policy.ts says what to fix in a sentence that starts so.
  weakPassword: { type: 'string', pattern: '^Password ', description: 'The rule the password breaks.' },
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const requestId = (route: RouteName) => `${pascal(route)}Request`;
const dataId = (route: RouteName) => `${pascal(route)}Data`;
const errorId = (kind: ErrorKind) => `${pascal(kind)}Error`;
const errorDataId = (kind: ErrorKind) => `${pascal(kind)}Data`;

/** The error kinds an endpoint answers, as lib/http/endpoint.ts and its handler may raise them. */
export function errorKinds(endpoint: EndpointDoc): ErrorKind[] {
  return [...new Set([...COMMON_ERRORS, ...(endpoint.schema.body ? BODY_ERRORS : []), ...endpoint.schema.errors])];
}

export function buildOpenApiDocument(): OpenApiDocument {
  const usedNotes = new Set<string>();
  const names = Object.keys(routes) as RouteName[];
  const requests = names.flatMap((name) => {
    const body = ENDPOINTS[name].schema.body;
    return body ? [[requestId(name), body] as const] : [];
  });
  const answers = [
    ...names.flatMap((name) => {
      const data = ENDPOINTS[name].schema.data;
      return data ? [[dataId(name), data] as const] : [];
    }),
    ['SessionInfo', sessionInfo] as const,
    ...(Object.entries(ERROR_DATA) as Array<[ErrorKind, z.ZodMiniType]>).map(([kind, schema]) => [errorDataId(kind), schema] as const),
  ];
  const schemas: Record<string, JsonSchema> = {
    ...toComponents(requests, 'input', usedNotes),
    ...toComponents(answers, 'output', usedNotes),
    ...errorComponents(),
  };

  const paths: Record<string, Record<string, Operation>> = {};
  for (const name of names) {
    const route = routes[name];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(name, ENDPOINTS[name]);
  }

  const unused = Object.keys(FIELD_NOTES).filter((field) => !usedNotes.has(field));
  if (unused.length > 0) throw new Error(`FIELD_NOTES for no field of any schema: ${unused.join(', ')}`);

  return {
    openapi: '3.1.0',
    info: { title: TITLE, version, description: OVERVIEW },
    // In the order of a client's journey, as ENDPOINTS lists them.
    tags: [...new Set(Object.values(ENDPOINTS).map((endpoint) => endpoint.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        [ACCESS_TOKEN_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The access token as login answers it, `AT <JWS>` (`Bearer <JWS>` and the bare JWS work too).',
        },
      },
    },
    'x-live-values': LIVE_VALUES,
  };
}

function operation(name: RouteName, endpoint: EndpointDoc): Operation {
  const { schema } = endpoint;
  const cases = examplesOf(name, schema.body !== undefined);
  const duplicate = cases.map((c) => c.name).find((n, i, all) => all.indexOf(n) !== i);
  if (duplicate) throw new Error(`${name}: two examples named ${duplicate}`);

  const headers = toJsonSchema(schema.headers, 'input');
  const required = new Set((headers['required'] as string[] | undefined) ?? []);
  const parameters: Parameter[] = [];
  let authorized = false;
  for (const [header, headerSchema] of Object.entries((headers['properties'] ?? {}) as Record<string, JsonSchema>)) {
    if (header === 'authorization') {
      // OpenAPI ignores an `Authorization` parameter: it is a security scheme.
      authorized = true;
      continue;
    }
    const doc = HEADERS[header];
    if (!doc) throw new Error(`${name}: header ${header} has no entry in HEADERS`);
    parameters.push({
      name: doc.name,
      in: 'header',
      required: required.has(header),
      description: doc.description,
      schema: headerSchema,
      example: doc.example,
    });
  }
  parameters.push(traceParameter(cases));
  if (schema.body === undefined && cases.some((c) => c.body !== undefined)) throw new Error(`${name}: an example has a body`);

  return {
    operationId: name,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: endpoint.description,
    parameters,
    ...(authorized ? { security: [{ [ACCESS_TOKEN_SCHEME]: [] }] } : {}),
    ...(schema.body
      ? {
          requestBody: {
            required: true,
            description: `A JSON object of at most ${MAX_BODY_BYTES / 1024} KiB. Fields it does not name are ignored.`,
            content: { [JSON_MEDIA_TYPE]: { schema: schemaRef(requestId(name)), examples: requestExamples(name, cases) } },
          },
        }
      : {}),
    responses: responses(name, endpoint, cases),
  };
}

function traceParameter(cases: ExampleCase[]): Parameter {
  const examples = Object.fromEntries(
    cases.flatMap((c) =>
      c.headers?.[TRACE_HEADER] === undefined ? [] : [[c.name, { summary: c.summary, value: c.headers[TRACE_HEADER] }]],
    ),
  );
  return {
    name: TRACE_HEADER,
    in: 'header',
    required: false,
    description: 'A trace id for this request: echoed in the answer and on every log line of the request. Generated when absent.',
    schema: { type: 'string', pattern: TRACE_ID.source },
    ...(Object.keys(examples).length > 0 ? { examples } : { example: 'docs-example-1' }),
  };
}

function requestExamples(name: RouteName, cases: ExampleCase[]): Record<string, Example> {
  const examples: Record<string, Example> = {};
  for (const c of cases) {
    if (c.body === undefined) throw new Error(`${name}: example ${c.name} has no body`);
    // Parameters carry their own examples; the rest (Authorization, Content-Type) rides on the body's.
    const headers = Object.entries(c.headers ?? {}).filter(([header]) => header !== TRACE_HEADER);
    const replay: Replay = {
      ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
      ...(c.live ? { live: c.live } : {}),
    };
    examples[c.name] = { summary: c.summary, value: c.body, ...(Object.keys(replay).length > 0 ? { 'x-replay': replay } : {}) };
  }
  return examples;
}

function responses(name: RouteName, endpoint: EndpointDoc, cases: ExampleCase[]): Operation['responses'] {
  const cacheControl: Header = endpoint.bare
    ? { required: true, description: 'The keys may be cached this long.', schema: { type: 'string', pattern: '^public, max-age=[0-9]+$' } }
    : { required: true, description: 'Answers carry tokens: never cached.', schema: { type: 'string', const: 'no-store' } };
  const common = {
    [TRACE_HEADER]: {
      required: true,
      description: "The request's X-Traceid, or the one generated for it.",
      schema: { type: 'string', pattern: TRACE_ID.source },
    },
    'Cache-Control': cacheControl,
  };

  const { data } = endpoint.schema;
  const successSchema = endpoint.bare
    ? schemaRef(dataId(name))
    : {
        type: 'object',
        properties: {
          code: { type: 'integer', const: SUCCESS.code },
          msg: { type: 'string', const: SUCCESS.msg },
          ...(data ? { data: schemaRef(dataId(name)) } : {}),
        },
        required: ['code', 'msg', ...(data ? ['data'] : [])],
        additionalProperties: false,
      };
  const result: Operation['responses'] = {
    '200': {
      description: endpoint.bare ? 'The answer.' : 'Success: the envelope with code 0.',
      headers: common,
      content: { [JSON_MEDIA_TYPE]: { schema: successSchema, examples: {} } },
    },
  };

  const kinds = errorKinds(endpoint);
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of kinds) byStatus.set(ERRORS[kind].status, [...(byStatus.get(ERRORS[kind].status) ?? []), kind]);
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    result[String(status)] = {
      description: group.map((kind) => `**${ERRORS[kind].code}** ${ERRORS[kind].msg} ${ERROR_WHEN[kind]}`).join('\n\n'),
      headers: { ...common, ...retryAfter(status) },
      content: {
        [JSON_MEDIA_TYPE]: {
          schema: {
            type: 'object',
            properties: { code: { type: 'integer', enum: group.map((kind) => ERRORS[kind].code) }, msg: { type: 'string' } },
            required: ['code', 'msg'],
            oneOf: group.map((kind) => schemaRef(errorId(kind))),
          },
          examples: {},
        },
      },
    };
  }

  for (const c of cases) {
    const answer = c.answer;
    if ('error' in answer) {
      if (!kinds.includes(answer.error))
        throw new Error(`${name}: example ${c.name} answers ${answer.error}, which ${name} does not declare`);
      examplesAt(result, ERRORS[answer.error].status)[c.name] = {
        summary: c.summary,
        value: errorBody(answer.error, answer.msg, answer.data),
      };
    } else {
      const value = endpoint.bare ? answer.data : { ...SUCCESS, ...(answer.data === undefined ? {} : { data: answer.data }) };
      examplesAt(result, 200)[c.name] = { summary: c.summary, value };
    }
  }
  // The errors no request provokes on demand (storage trouble, expiry, ...) still show their answer.
  const provoked = new Set(cases.flatMap((c) => ('error' in c.answer ? [c.answer.error] : [])));
  for (const kind of kinds.filter((k) => !provoked.has(k))) {
    if (ERROR_DATA[kind]) throw new Error(`${name}: ${kind} carries data: give it an example case`);
    examplesAt(result, ERRORS[kind].status)[kind] = { summary: ERRORS[kind].msg, value: errorBody(kind) };
  }
  return result;
}

function examplesAt(responses: Operation['responses'], status: number): Record<string, Example> {
  const media = responses[String(status)]?.content[JSON_MEDIA_TYPE];
  if (!media) throw new Error(`no ${status} answer documented`);
  return (media.examples ??= {});
}

function errorBody(kind: ErrorKind, msg?: string, data?: unknown) {
  return { code: ERRORS[kind].code, msg: msg ?? ERRORS[kind].msg, ...(data === undefined ? {} : { data }) };
}

function retryAfter(status: number): Record<string, Header> {
  const schema = { type: 'integer', minimum: 1 };
  if (status === ERRORS.serviceBusy.status)
    return { 'Retry-After': { required: true, description: 'Seconds to wait before retrying.', schema } };
  if (status === ERRORS.tooManyAttempts.status) {
    return {
      'Retry-After': {
        required: false,
        description: 'Seconds to wait, when waiting helps (not for a code whose attempts are used up: send a new one).',
        schema,
      },
    };
  }
  return {};
}

/** One component per error kind: its code, its message and, for some, its data. */
function errorComponents(): Record<string, JsonSchema> {
  return Object.fromEntries(
    (Object.keys(ERRORS) as ErrorKind[]).map((kind) => {
      const { code, msg } = ERRORS[kind];
      const hasData = ERROR_DATA[kind] !== undefined;
      return [
        errorId(kind),
        {
          title: `${code} ${msg}`,
          description: ERROR_WHEN[kind],
          type: 'object',
          properties: {
            code: { type: 'integer', const: code },
            msg: ERROR_MSG[kind] ?? { type: 'string', const: msg },
            ...(hasData ? { data: schemaRef(errorDataId(kind)) } : {}),
          },
          required: ['code', 'msg', ...(hasData ? ['data'] : [])],
          additionalProperties: false,
        },
      ];
    }),
  );
}
