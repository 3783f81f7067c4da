// The convention that makes every example of the document a test case, read back from the
// document itself (tests/openapi.test.ts replays what this returns):
//   - A request example is named; the answer's example of the same name, under exactly one status,
//     is what that request gets.
//   - The request is the body example of that name (operations with a body) or the parameter
//     examples of that name (operations without one), with every other required parameter at its
//     `example`. The body example's `x-replay.headers` adds headers that are not parameters
//     (Authorization, a non-JSON Content-Type).
//   - `x-replay.live` names the values to take from a fresh flow (document's `x-live-values`),
//     by where they go: `/body/<field>` or `/headers/<name>`.
//   - An answer's example with no request of its name documents an answer no request provokes on
//     demand (storage trouble, an expiry) and is not replayed.
import type { LivePointer, LiveValue } from './examples';
import { JSON_MEDIA_TYPE, type Example, type OpenApiDocument, type Operation } from './model';

export interface ReplayCase {
  operationId: string;
  method: string;
  path: string;
  /** The example's name. */
  name: string;
  headers: Record<string, string>;
  /** A JSON value, or the text to send as is when Content-Type is not JSON. */
  body: unknown;
  live: Partial<Record<LivePointer, LiveValue>>;
  expected: { status: number; example: unknown };
}

export function replayCases(document: OpenApiDocument): ReplayCase[] {
  const cases: ReplayCase[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const name of requestNames(operation)) cases.push(replayCase(path, method.toUpperCase(), operation, name));
    }
  }
  return cases;
}

function requestNames(operation: Operation): string[] {
  const body = operation.requestBody?.content[JSON_MEDIA_TYPE]?.examples;
  if (body) return Object.keys(body);
  return [...new Set(operation.parameters.flatMap((p) => Object.keys(p.examples ?? {})))];
}

function replayCase(path: string, method: string, operation: Operation, name: string): ReplayCase {
  const example: Example | undefined = operation.requestBody?.content[JSON_MEDIA_TYPE]?.examples?.[name];
  const headers: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    const value = parameter.examples?.[name]?.value ?? (parameter.required ? parameter.example : undefined);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`${name}: header ${parameter.name} has an example that is not a string`);
    headers[parameter.name] = value;
  }
  if (operation.requestBody) headers['Content-Type'] = JSON_MEDIA_TYPE;
  Object.assign(headers, example?.['x-replay']?.headers);

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
    body: example?.value,
    live: { ...example?.['x-replay']?.live },
    expected,
  };
}
