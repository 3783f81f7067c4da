// The error answers of an operation, one per HTTP status, each a choice among the catalogue's
// errors (lib/errors.ts) the endpoint may answer; and a component per error of the catalogue.
import type { Endpoint } from '../api/endpoint';
import { BODY_ERRORS, COMMON_ERRORS, ERROR_DATA } from '../api/fields';
import { ERRORS, type ErrorKind } from '../errors';
import { failureBody, NO_STORE } from '../http/envelope';
import { schemaRef, type JsonSchema } from './json-schema';
import { answerHeaders, componentIds, JSON_MEDIA_TYPE, type Answer, type Header } from './model';
import { ERROR_WHEN } from './texts';

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

/** The error kinds an endpoint answers, as lib/http/endpoint.ts and its handler may raise them. */
export function errorKinds(endpoint: Endpoint): ErrorKind[] {
  return [...new Set([...COMMON_ERRORS, ...(endpoint.schema.body ? BODY_ERRORS : []), ...endpoint.schema.errors])];
}

/** The endpoint's error answers by status, in status order; each without examples yet. */
export function errorAnswers(endpoint: Endpoint): Record<string, Answer> {
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of errorKinds(endpoint)) byStatus.set(ERRORS[kind].status, [...(byStatus.get(ERRORS[kind].status) ?? []), kind]);
  const answers: Record<string, Answer> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    answers[String(status)] = {
      description: group.map((kind) => `**${ERRORS[kind].code}** ${ERRORS[kind].msg} ${ERROR_WHEN[kind]}`).join('\n\n'),
      // Whatever a success may be, a failure is never cached (lib/http/envelope.ts).
      headers: { ...answerHeaders(NO_STORE), ...retryAfter(status) },
      content: {
        [JSON_MEDIA_TYPE]: {
          schema: {
            type: 'object',
            properties: { code: { type: 'integer', enum: group.map((kind) => ERRORS[kind].code) }, msg: { type: 'string' } },
            required: ['code', 'msg'],
            oneOf: group.map((kind) => schemaRef(componentIds.error(kind))),
          },
          examples: {},
        },
      },
    };
  }
  return answers;
}

/** An error's answer body, as the service writes it: the catalogue's code and message, or `msg` and `data` when given. */
export const errorBody = (kind: ErrorKind, msg?: string, data?: unknown) => failureBody(ERRORS[kind].code, msg ?? ERRORS[kind].msg, data);

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
export function errorComponents(): Record<string, JsonSchema> {
  return Object.fromEntries(
    (Object.keys(ERRORS) as ErrorKind[]).map((kind) => {
      const { code, msg } = ERRORS[kind];
      const hasData = ERROR_DATA[kind] !== undefined;
      return [
        componentIds.error(kind),
        {
          title: `${code} ${msg}`,
          description: ERROR_WHEN[kind],
          type: 'object',
          properties: {
            code: { type: 'integer', const: code },
            msg: ERROR_MSG[kind] ?? { type: 'string', const: msg },
            ...(hasData ? { data: schemaRef(componentIds.errorData(kind)) } : {}),
          },
          required: ['code', 'msg', ...(hasData ? ['data'] : [])],
          additionalProperties: false,
        },
      ];
    }),
  );
}
