// The examples of an operation: its module's own (lib/api/<endpoint>.ts), then the two every body
// endpoint answers alike, made from its first example's body. tests/openapi/ replays every one of
// them against the running service.
import type { Endpoint, ExampleCase } from '../api/endpoint';
import { BODY_LIMIT } from '../api/fields';

/** The names of the examples every body endpoint gets; the replay table knows what they need. */
export const GENERIC_EXAMPLES = { bodyTooLarge: 'bodyTooLarge', notJson: 'notJson' } as const;

export function examplesOf(endpoint: Endpoint): ExampleCase[] {
  const own = [...endpoint.examples];
  const first = own[0];
  if (endpoint.schema.body === undefined || first === undefined) return own;
  const body = first.body as Record<string, unknown>;
  return [
    ...own,
    {
      name: GENERIC_EXAMPLES.bodyTooLarge,
      summary: `A body over ${BODY_LIMIT}`,
      body: { ...body, padding: `(more than ${BODY_LIMIT})` },
      ...(first.headers ? { headers: first.headers } : {}),
      answer: { error: 'bodyTooLarge' },
    },
    {
      name: GENERIC_EXAMPLES.notJson,
      summary: 'A body that is not JSON',
      body: new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString(),
      headers: { ...first.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      answer: { error: 'unsupportedMediaType' },
    },
  ];
}
