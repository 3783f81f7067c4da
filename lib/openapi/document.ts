// The OpenAPI 3.1 document of the service, built from what the service itself runs on: the route
// table (infra/routes.cjs), the endpoints' declarations (lib/endpoints.ts: schemas, answer shape,
// cache policy), the error catalogue (lib/errors.ts) and the limits of the configuration given.
// Nothing here restates a field, a code, a message or a limit; a change there changes the document.
// Built in memory, in a few milliseconds: by the docs function at cold start, by `npm run openapi`,
// by the tests.
import type * as z from 'zod/mini';
import { routes } from '../../infra/routes.cjs';
import { version } from '../../package.json';
import { ENDPOINTS, type EndpointDefinition, type RouteName } from '../endpoints';
import type { ErrorKind } from '../errors';
import { HEADER_SPELLING, sessionInfo } from '../schemas';
import { addAnswerExamples, requestExamples, traceExamples } from './document-examples';
import { ERROR_DATA, errorAnswers, errorComponents } from './error-answers';
import { LIVE_VALUES, examplesOf, type ExampleCase } from './examples';
import { schemaRef, toComponents, toJsonSchema, type JsonSchema } from './json-schema';
import {
  componentIds,
  JSON_MEDIA_TYPE,
  TRACE_HEADER,
  TRACE_ID_SCHEMA,
  type OpenApiDocument,
  type Operation,
  type Parameter,
} from './model';
import { successAnswer } from './success-answer';
import { BODY_LIMIT, fieldNotes, OVERVIEW, operationTexts, TITLE, type DocumentedLimits, type OperationText } from './texts';

const ACCESS_TOKEN_SCHEME = 'accessToken';
/** The declarations, each seen as any endpoint's (a route name picked at run time indexes them). */
const DEFINITIONS: Readonly<Record<RouteName, EndpointDefinition>> = ENDPOINTS;

/** What the document says of each request header the schemas hold (lower-cased; named as HEADER_SPELLING spells it). */
const HEADERS: Readonly<Record<string, { description: string; example: string }>> = {
  'x-hw-agentname': { description: 'The calling carrier or agent app.', example: 'demo-app' },
};

export function buildOpenApiDocument(limits: DocumentedLimits): OpenApiDocument {
  const texts = operationTexts(limits);
  const notes = fieldNotes(limits);
  const usedNotes = new Set<string>();
  const names = Object.keys(routes) as RouteName[];
  const requests = names.flatMap((name) => {
    const body = DEFINITIONS[name].schema.body;
    return body ? [[componentIds.request(name), body] as const] : [];
  });
  const answers = [
    ...names.flatMap((name) => {
      const data = DEFINITIONS[name].schema.data;
      return data ? [[componentIds.data(name), data] as const] : [];
    }),
    ['SessionInfo', sessionInfo] as const,
    ...(Object.entries(ERROR_DATA) as Array<[ErrorKind, z.ZodMiniType]>).map(
      ([kind, schema]) => [componentIds.errorData(kind), schema] as const,
    ),
  ];
  const schemas: Record<string, JsonSchema> = {
    ...toComponents(requests, 'input', notes, usedNotes),
    ...toComponents(answers, 'output', notes, usedNotes),
    ...errorComponents(),
  };

  const paths: Record<string, Record<string, Operation>> = {};
  for (const name of names) {
    const route = routes[name];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(name, DEFINITIONS[name], texts[name]);
  }

  const unused = Object.keys(notes).filter((field) => !usedNotes.has(field));
  if (unused.length > 0) throw new Error(`field notes for no field of any schema: ${unused.join(', ')}`);

  return {
    openapi: '3.1.0',
    info: { title: TITLE, version, description: OVERVIEW },
    // In the order of a client's journey, as the operation texts list them.
    tags: [...new Set(Object.values(texts).map((text) => text.tag))].map((name) => ({ name })),
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

function operation(name: RouteName, endpoint: EndpointDefinition, text: OperationText): Operation {
  const { schema } = endpoint;
  const cases = examplesOf(name, schema.body !== undefined);
  const duplicate = cases.map((c) => c.name).find((n, i, all) => all.indexOf(n) !== i);
  if (duplicate) throw new Error(`${name}: two examples named ${duplicate}`);
  if (schema.body === undefined && cases.some((c) => c.body !== undefined)) throw new Error(`${name}: an example has a body`);

  const { parameters, authorized } = headerParameters(name, schema.headers);
  parameters.push(traceParameter(cases));
  const responses = { '200': successAnswer(name, endpoint), ...errorAnswers(endpoint) };
  addAnswerExamples(name, endpoint, cases, responses);

  return {
    operationId: name,
    tags: [text.tag],
    summary: text.summary,
    description: text.description,
    parameters,
    ...(authorized ? { security: [{ [ACCESS_TOKEN_SCHEME]: [] }] } : {}),
    ...(schema.body
      ? {
          requestBody: {
            required: true,
            description: `A JSON object of at most ${BODY_LIMIT}. Fields it does not name are ignored.`,
            content: {
              [JSON_MEDIA_TYPE]: { schema: schemaRef(componentIds.request(name)), examples: requestExamples(name, cases) },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The schema's headers as parameters, but `Authorization`, which OpenAPI wants as a security scheme. */
function headerParameters(name: RouteName, schema: z.ZodMiniType): { parameters: Parameter[]; authorized: boolean } {
  const headers = toJsonSchema(schema, 'input');
  const required = new Set((headers['required'] as string[] | undefined) ?? []);
  const parameters: Parameter[] = [];
  let authorized = false;
  for (const [header, headerSchema] of Object.entries((headers['properties'] ?? {}) as Record<string, JsonSchema>)) {
    if (header === 'authorization') {
      authorized = true;
      continue;
    }
    const doc = HEADERS[header];
    if (!doc) throw new Error(`${name}: header ${header} has no entry in HEADERS`);
    parameters.push({
      name: HEADER_SPELLING[header] ?? header,
      in: 'header',
      required: required.has(header),
      description: doc.description,
      schema: headerSchema,
      example: doc.example,
    });
  }
  return { parameters, authorized };
}

function traceParameter(cases: ExampleCase[]): Parameter {
  const examples = traceExamples(cases);
  return {
    name: TRACE_HEADER,
    in: 'header',
    required: false,
    description: 'A trace id for this request: echoed in the answer and on every log line of the request. Generated when absent.',
    schema: TRACE_ID_SCHEMA,
    ...(Object.keys(examples).length > 0 ? { examples } : { example: 'docs-example-1' }),
  };
}
