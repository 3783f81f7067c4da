// Query parameters and bodyless requests in the one chain (lib/http/endpoint.ts): an endpoint
// module's `query` schema is validated at the edge like its headers and body, a refusal names the
// parameter (docs/API.md §0), and an endpoint that takes no body is served whatever body or
// Content-Type a GET or DELETE arrives with. Probed with endpoint modules of this test's own, so
// the chain is checked apart from any one endpoint's rules.
import * as z from 'zod/mini';
import { defineEndpoint } from '../lib/api/endpoint';
import { authorizationHeaders, MAX_BODY_BYTES, noHeaders, phone, userIdField } from '../lib/api/fields';
import { NO_STORE } from '../lib/http/envelope';
import { httpEndpoint } from '../lib/http/endpoint';
import { call, type EventOptions } from './helpers';

const probeModule = <H extends typeof noHeaders | typeof authorizationHeaders>(method: 'GET' | 'DELETE', headers: H) =>
  defineEndpoint({
    method,
    path: '/probe',
    handler: 'functions/probe.handler',
    schema: {
      headers,
      query: z.object({ userId: z.optional(userIdField), phone: z.optional(phone) }),
      data: z.object({ query: z.record(z.string(), z.string()) }),
      errors: [],
    },
    cacheControl: NO_STORE,
    doc: () => ({ tag: 'Probe', summary: 'Probe', description: 'Answers the query it was given, as validated.' }),
    examples: [],
  });

// The validated query, as the handler is handed it.
const echo = (module: ReturnType<typeof probeModule>) => httpEndpoint(module, { handle: ({ query }) => Promise.resolve({ query }) });

const get = echo(probeModule('GET', noHeaders));
const del = echo(probeModule('DELETE', noHeaders));
const authorized = echo(probeModule('GET', authorizationHeaders));
const required = httpEndpoint(
  defineEndpoint({
    method: 'DELETE',
    path: '/probe',
    handler: 'functions/probe.handler',
    schema: { headers: noHeaders, query: z.object({ userId: userIdField }), errors: [] },
    cacheControl: NO_STORE,
    doc: () => ({ tag: 'Probe', summary: 'Probe', description: 'Takes a mandatory userId.' }),
    examples: [],
  }),
  { handle: () => Promise.resolve() },
);

const send = (handler: Parameters<typeof call>[0], options: EventOptions = {}) => call(handler, { method: 'GET', headers: {}, ...options });

describe('query parameters', () => {
  it('hands the handler the parameters its schema reads, validated (a phone canonical), and ignores the others', async () => {
    const answer = await send(get, { query: { userId: '1893595880502717057', phone: '+27 18 846 0901', other: 'x' } });
    expect([answer.status, answer.body.data]).toEqual([200, { query: { userId: '1893595880502717057', phone: '0027188460901' } }]);
  });

  it('reads an event without a query string as no parameters', async () => {
    const answer = await send(get);
    expect([answer.status, answer.body.data]).toEqual([200, { query: {} }]);
  });

  it.each([
    ['userId', { userId: 'me' }, 'userId: must be a user id'],
    ['userId, empty', { userId: '' }, 'userId: must be a user id'],
    ['userId, given twice (API Gateway joins the values with a comma)', { userId: '1893595880502717057,1' }, 'userId: must be a user id'],
    ['phone', { phone: '12345' }, 'phone: must be 8-15 digits after a 00 or + prefix, the first not 0'],
  ])('refuses a bad %s, naming the parameter', async (_, query, problem) => {
    const answer = await send(get, { query });
    expect([answer.status, answer.body]).toEqual([400, { code: 13000102, msg: `Verify parameters failed. ${problem}` }]);
    expect(answer.headers['Cache-Control']).toBe('no-store');
  });

  it('refuses a mandatory parameter left out, naming it', async () => {
    const answer = await send(required, { method: 'DELETE', query: { phone: '0027188460901' } });
    expect([answer.status, answer.body.msg]).toEqual([400, 'Verify parameters failed. userId: must be a string']);
    expect((await send(required, { method: 'DELETE', query: { userId: '1' } })).status).toBe(200);
  });

  it('checks the headers first', async () => {
    const answer = await send(authorized, { query: { userId: 'me' } });
    expect(answer.body.msg).toBe('Verify parameters failed. Authorization: is required');
  });

  it('treats a parameter named __proto__ as a parameter, and pollutes nothing', async () => {
    const query = JSON.parse('{"__proto__":{"polluted":"yes"},"userId":"1"}') as Record<string, string>;
    const answer = await send(get, { query });
    expect([answer.status, answer.body.data]).toEqual([200, { query: { userId: '1' } }]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('an endpoint that takes no body', () => {
  it.each([
    ['no body and no Content-Type', { headers: {} }],
    ['an empty body', { headers: { 'Content-Type': 'application/json' }, rawBody: '' }],
    ['a body that is not JSON, as text/plain', { headers: { 'Content-Type': 'text/plain' }, rawBody: 'hello' }],
    ['malformed JSON', { headers: { 'Content-Type': 'application/json' }, rawBody: '{' }],
    ['a body over the limit', { headers: { 'Content-Type': 'application/json' }, rawBody: 'x'.repeat(MAX_BODY_BYTES + 1) }],
  ])('serves a GET and a DELETE with %s, reading none of it', async (_, options) => {
    for (const [handler, method] of [
      [get, 'GET'],
      [del, 'DELETE'],
    ] as const) {
      const answer = await send(handler, { method, query: { userId: '1' }, ...options });
      expect([method, answer.status, answer.body]).toEqual([method, 200, { code: 0, msg: 'Success.', data: { query: { userId: '1' } } }]);
    }
  });
});
