// The convention that makes every example of the API document a test case (tests/openapi.test.ts
// replays what this returns):
//   - Each example of an endpoint module (lib/api/, with the generic ones lib/openapi/examples.ts
//     adds) is shown in the document under its name: the request on the body, the query
//     parameters and the X-Traceid parameter, the answer under exactly one status. The replay reads the request and the answer
//     back from the document, so what it checks is what a reader sees.
//   - Headers the document cannot show per example (Authorization, a non-JSON Content-Type) come
//     from the module's example; every other required parameter is sent at its `example`.
//   - ./live-table.ts names the values to take from a fresh flow, by where they go.
//   - An answer's example with no request of its name documents an answer no request provokes on
//     demand (storage trouble, an expiry) and is not replayed.
import { ALL_ENDPOINTS, type RouteName } from '../../lib/api/index';
import { examplesOf } from '../../lib/openapi/examples';
import { JSON_MEDIA_TYPE, TRACE_HEADER, type OpenApiDocument, type Operation } from '../../lib/openapi/model';
import { LIVE_TABLE, type LiveTable } from './live-table';

export interface ReplayCase {
  operationId: RouteName;
  method: string;
  path: string;
  /** The example's name. */
  name: string;
  headers: Record<string, string>;
  /** The query parameters, by name. */
  query: Record<string, string>;
  /** A JSON value, or the text to send as is when Content-Type is not JSON. */
  body: unknown;
  live: LiveTable;
  expected: { status: number; example: unknown };
}

export function replayCases(document: OpenApiDocument): ReplayCase[] {
  const cases: ReplayCase[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const example of examplesOf(ALL_ENDPOINTS[operation.operationId])) {
        cases.push(replayCase(path, method.toUpperCase(), operation, example.name, example.headers ?? {}));
      }
    }
  }
  return cases;
}

function replayCase(path: string, method: string, operation: Operation, name: string, shown: Readonly<Record<string, string>>): ReplayCase {
  const body = operation.requestBody?.content[JSON_MEDIA_TYPE]?.examples?.[name];
  if (operation.requestBody && !body) throw new Error(`${operation.operationId}: the document shows no request example ${name}`);
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    const value = parameter.examples?.[name]?.value ?? (parameter.required ? parameter.example : undefined);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`${name}: ${parameter.in} ${parameter.name} has an example that is not a string`);
    (parameter.in === 'query' ? query : headers)[parameter.name] = value;
  }
  if (shown[TRACE_HEADER] !== undefined && headers[TRACE_HEADER] !== shown[TRACE_HEADER]) {
    throw new Error(`${operation.operationId}: the document shows example ${name} without its ${TRACE_HEADER}`);
  }
  if (operation.requestBody) headers['Content-Type'] = JSON_MEDIA_TYPE;
  Object.assign(headers, shown);

  const answers = Object.entries(operation.responses).flatMap(([status, response]) => {
    const answer = response.content[JSON_MEDIA_TYPE]?.examples?.[name];
    return answer ? [{ status: Number(status), example: answer.value }] : [];
  });
  const [expected, ...others] = answers;
  if (!expected || others.length > 0) {
    throw new Error(
      `${operation.operationId}: request example ${name} needs exactly one answer example of its name, has ${answers.length}`,
    );
  }
  return {
    operationId: operation.operationId,
    method,
    path,
    name,
    headers,
    query,
    body: body?.value,
    live: LIVE_TABLE[operation.operationId][name] ?? {},
    expected,
  };
}

/** `path` with `query` as its query string, as a client writes it. */
export function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? path : `${path}?${search}`;
}
