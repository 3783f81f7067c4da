// The example cases of an operation (./examples.ts), placed where OpenAPI shows them, each by its
// name: the request on the body, the query parameters and the X-Traceid parameter, the answer under
// its status. Each
// error no case provokes gets an example of its own.
import type { Endpoint, ExampleCase } from '../api/endpoint';
import { ERROR_DATA } from '../api/fields';
import type { RouteName } from '../api/index';
import { ERRORS } from '../errors';
import { successBody } from '../http/envelope';
import { errorBody, errorKinds } from './error-answers';
import { JSON_MEDIA_TYPE, TRACE_HEADER, type Answer, type Example } from './model';

/** The cases' X-Traceid headers, as the examples of that parameter. */
export function traceExamples(cases: readonly ExampleCase[]): Record<string, Example> {
  return Object.fromEntries(
    cases.flatMap((c) =>
      c.headers?.[TRACE_HEADER] === undefined ? [] : [[c.name, { summary: c.summary, value: c.headers[TRACE_HEADER] }]],
    ),
  );
}

/** The cases' values of query parameter `parameter`, as the examples of that parameter. */
export function queryExamples(parameter: string, cases: readonly ExampleCase[]): Record<string, Example> {
  return Object.fromEntries(
    cases.flatMap((c) => (c.query?.[parameter] === undefined ? [] : [[c.name, { summary: c.summary, value: c.query[parameter] }]])),
  );
}

/** The cases' bodies, as the examples of the request body. */
export function requestExamples(name: RouteName, cases: readonly ExampleCase[]): Record<string, Example> {
  const examples: Record<string, Example> = {};
  for (const c of cases) {
    if (c.body === undefined) throw new Error(`${name}: example ${c.name} has no body`);
    examples[c.name] = { summary: c.summary, value: c.body };
  }
  return examples;
}

/** Adds each case's answer to `answers` (by status), then an example of each error no case provokes. */
export function addAnswerExamples(
  name: RouteName,
  endpoint: Endpoint,
  cases: readonly ExampleCase[],
  answers: Record<string, Answer>,
): void {
  const kinds = errorKinds(endpoint);
  for (const c of cases) {
    const answer = c.answer;
    if ('error' in answer) {
      if (!kinds.includes(answer.error))
        throw new Error(`${name}: example ${c.name} answers ${answer.error}, which ${name} does not declare`);
      examplesAt(answers, ERRORS[answer.error].status)[c.name] = {
        summary: c.summary,
        value: errorBody(answer.error, answer.msg, answer.data),
      };
    } else {
      examplesAt(answers, 200)[c.name] = { summary: c.summary, value: successBody(answer.data, endpoint.bare) };
    }
  }
  // The errors no request provokes on demand (storage trouble, expiry, ...) still show their answer.
  const provoked = new Set(cases.flatMap((c) => ('error' in c.answer ? [c.answer.error] : [])));
  for (const kind of kinds.filter((k) => !provoked.has(k))) {
    if (ERROR_DATA[kind]) throw new Error(`${name}: ${kind} carries data: give it an example case`);
    examplesAt(answers, ERRORS[kind].status)[kind] = { summary: ERRORS[kind].msg, value: errorBody(kind) };
  }
}

function examplesAt(answers: Record<string, Answer>, status: number): Record<string, Example> {
  const media = answers[String(status)]?.content[JSON_MEDIA_TYPE];
  if (!media) throw new Error(`no ${status} answer documented`);
  return (media.examples ??= {});
}
