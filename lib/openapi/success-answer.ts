// The 200 answer of an operation: the envelope (docs/API.md §0) around the endpoint's `data` (a bare endpoint
// answers the data alone), with the cache policy the endpoint declares.
import type { Endpoint } from '../api/endpoint';
import type { RouteName } from '../api/index';
import { SUCCESS } from '../http/envelope';
import { schemaRef, type JsonSchema } from './json-schema';
import { answerHeaders, componentIds, JSON_MEDIA_TYPE, type Answer } from './model';

export function successAnswer(name: RouteName, endpoint: Endpoint): Answer {
  const data = endpoint.schema.data ? schemaRef(componentIds.data(name)) : undefined;
  let schema: JsonSchema;
  if (endpoint.bare) {
    if (!data) throw new Error(`${name}: a bare endpoint answers its data, and it declares none`);
    schema = data;
  } else {
    schema = {
      type: 'object',
      properties: {
        code: { type: 'integer', const: SUCCESS.code },
        msg: { type: 'string', const: SUCCESS.msg },
        ...(data ? { data } : {}),
      },
      required: ['code', 'msg', ...(data ? ['data'] : [])],
      additionalProperties: false,
    };
  }
  return {
    description: endpoint.bare ? 'The answer.' : 'Success: the envelope with code 0.',
    headers: answerHeaders(endpoint.cacheControl),
    content: { [JSON_MEDIA_TYPE]: { schema, examples: {} } },
  };
}
