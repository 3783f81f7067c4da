// The OpenAPI 3.1 document of the service, built from what the service itself runs on: the endpoint
// modules (lib/api/: route, schemas, answer shape, cache policy, texts, examples), the error
// catalogue (lib/errors.ts) and the limits of the configuration given.
// Nothing here restates a field, a code, a message or a limit; a change there changes the document.
// Built in memory, in a few milliseconds: by the docs function at cold start, by `npm run generate`
// (docs/openapi.json, for the default settings), by the tests.
import type * as z from 'zod/mini';
import { version } from '../../package.json';
import type { DocumentedLimits, Endpoint, EndpointDoc, ExampleCase } from '../api/endpoint';
import { BODY_LIMIT, ERROR_DATA, HEADER_NOTES, HEADER_SPELLING, sessionInfo, sharedFieldNotes } from '../api/fields';
import { ALL_ENDPOINTS, type RouteName } from '../api/index';
import type { ErrorKind } from '../errors';
import { addAnswerExamples, queryExamples, requestExamples, traceExamples } from './document-examples';
import { errorAnswers, errorComponents } from './error-answers';
import { examplesOf } from './examples';
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
import { OVERVIEW, TITLE } from './texts';

const ACCESS_TOKEN_SCHEME = 'accessToken';

export function buildOpenApiDocument(limits: DocumentedLimits): OpenApiDocument {
  const names = Object.keys(ALL_ENDPOINTS) as RouteName[];
  const texts = Object.fromEntries(names.map((name) => [name, ALL_ENDPOINTS[name].doc(limits)])) as Record<RouteName, EndpointDoc>;
  const notes = fieldNotes(names, limits);
  const usedNotes = new Set<string>();
  const requests = names.flatMap((name) => {
    const body = ALL_ENDPOINTS[name].schema.body;
    return body ? [[componentIds.request(name), body] as const] : [];
  });
  const answers = [
    ...names.flatMap((name) => {
      const data = ALL_ENDPOINTS[name].schema.data;
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
    const endpoint = ALL_ENDPOINTS[name];
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(name, endpoint, texts[name], { notes, usedNotes });
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
  };
}

/** What each field means: the shared notes, and each endpoint's notes on its own fields. */
function fieldNotes(names: readonly RouteName[], limits: DocumentedLimits): Record<string, string> {
  const notes: Record<string, string> = { ...sharedFieldNotes(limits) };
  for (const name of names) {
    for (const [field, note] of Object.entries(ALL_ENDPOINTS[name].fieldNotes?.(limits) ?? {})) {
      if (notes[field] !== undefined && notes[field] !== note) throw new Error(`${name}: a second note for field ${field}`);
      notes[field] = note;
    }
  }
  return notes;
}

/** What each field means (fieldNotes), and the names of those a schema or parameter has used. */
interface Notes {
  notes: Readonly<Record<string, string>>;
  usedNotes: Set<string>;
}

function operation(name: RouteName, endpoint: Endpoint, text: EndpointDoc, notes: Notes): Operation {
  const { schema } = endpoint;
  const cases = examplesOf(endpoint);
  const duplicate = cases.map((c) => c.name).find((n, i, all) => all.indexOf(n) !== i);
  if (duplicate) throw new Error(`${name}: two examples named ${duplicate}`);
  if (schema.body === undefined && cases.some((c) => c.body !== undefined)) throw new Error(`${name}: an example has a body`);
  if (schema.query === undefined && cases.some((c) => c.query !== undefined)) throw new Error(`${name}: an example has a query`);

  const { parameters, authorized } = headerParameters(name, schema.headers);
  if (schema.query) parameters.push(...queryParameters(name, schema.query, cases, notes));
  parameters.push(traceParameter(cases));
  const responses = { '200': successAnswer(name, endpoint), ...errorAnswers(endpoint) };
  addAnswerExamples(name, endpoint, cases, responses);

  return {
    operationId: name,
    tags: [text.tag],
    summary: text.summary,
    description: text.description,
    parameters,
    // An optional Authorization (send-code's, for a phone-change code only): no scheme, or the token.
    ...(authorized ? { security: authorized === 'optional' ? [{}, { [ACCESS_TOKEN_SCHEME]: [] }] : [{ [ACCESS_TOKEN_SCHEME]: [] }] } : {}),
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
function headerParameters(
  name: RouteName,
  schema: z.ZodMiniType,
): { parameters: Parameter[]; authorized: 'required' | 'optional' | false } {
  const headers = toJsonSchema(schema, 'input');
  const required = new Set((headers['required'] as string[] | undefined) ?? []);
  const parameters: Parameter[] = [];
  let authorized: 'required' | 'optional' | false = false;
  for (const [header, headerSchema] of Object.entries((headers['properties'] ?? {}) as Record<string, JsonSchema>)) {
    if (header === 'authorization') {
      authorized = required.has(header) ? 'required' : 'optional';
      continue;
    }
    const doc = HEADER_NOTES[header];
    if (!doc) throw new Error(`${name}: header ${header} has no entry in HEADER_NOTES (lib/api/fields.ts)`);
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

/**
 * The schema's query parameters, each described by the note of its field name and shown with the
 * value of every example that sends it (the replay reads them back by the example's name).
 */
function queryParameters(name: RouteName, schema: z.ZodMiniType, cases: readonly ExampleCase[], { notes, usedNotes }: Notes): Parameter[] {
  const query = toJsonSchema(schema, 'input');
  const required = new Set((query['required'] as string[] | undefined) ?? []);
  return Object.entries((query['properties'] ?? {}) as Record<string, JsonSchema>).map(([parameter, parameterSchema]) => {
    const description = notes[parameter];
    if (description === undefined) throw new Error(`${name}: query parameter ${parameter} has no field note`);
    usedNotes.add(parameter);
    const examples = queryExamples(parameter, cases);
    if (required.has(parameter) && Object.keys(examples).length === 0) {
      throw new Error(`${name}: required query parameter ${parameter} is in no example`);
    }
    return {
      name: parameter,
      in: 'query' as const,
      required: required.has(parameter),
      description,
      schema: parameterSchema,
      ...(Object.keys(examples).length > 0 ? { examples } : {}),
    };
  });
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
