// The OpenAPI document: valid OpenAPI 3.1, complete (every route, header and error), and true:
// every request example in it is replayed against the local stack over HTTP (serverless-offline,
// as `npm start` runs it) and the answer checked against the documented status, schema and headers.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routes } from '../infra/routes.cjs';
import type { Endpoint } from '../lib/api/endpoint';
import { TRACE_ID } from '../lib/api/fields';
import { ALL_ENDPOINTS, ENDPOINTS, type RouteName } from '../lib/api/index';
import { ERRORS } from '../lib/errors';
import { buildOpenApiDocument } from '../lib/openapi/document';
import { errorKinds } from '../lib/openapi/error-answers';
import { examplesOf } from '../lib/openapi/examples';
import type { Header, Operation } from '../lib/openapi/model';
import { LIVE_TABLE, LIVE_VALUES } from './openapi/live-table';
import { replayCases, withQuery } from './openapi/replay';
import { startOfflineApi, type OfflineApi } from '../scripts/lib/serverless-cli';
import { configWith } from './helpers';
import { HttpApi, LIVE, liveRequest, ownLoopbackAddress } from './live-values';

// The stack's settings. A flow sends one phone several codes in a row (registration, then a login
// token). The others differ from the defaults, so that the document has to state the running
// configuration's limits to match the one the stack serves.
const STACK_ENV = {
  SMS_RESEND_COOLDOWN_SECONDS: '0',
  SMS_MAX_PER_IP_PER_HOUR: '1000',
  CODE_MAX_ATTEMPTS: '3',
  CAPTCHA_TOKEN_TTL_SECONDS: '420',
};

const document = buildOpenApiDocument(configWith(STACK_ENV).limits);
const cases = replayCases(document);
const operations = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod));
const operationOf = (name: string): Operation => operations.find((o) => o.operationId === name)!;
const definitionOf = (name: string): Endpoint => ALL_ENDPOINTS[name as RouteName];
const JSON_TYPE = 'application/json';

// ---- JSON Schema 2020-12 validation of answers and examples against the document ----

const DOC_ID = 'urn:koodrive-signup:openapi';
// Strict: a keyword ajv does not know is an error, except OpenAPI's own annotation.
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addKeyword('example');
// The components, addressable as `$ref`s of the document (`#/components/schemas/X`) are to it.
ajv.addSchema({ $id: DOC_ID, $defs: rebase(document.components.schemas) });

/** The same schema, its component references pointing at DOC_ID. */
function rebase<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`)) as T;
}

const compiled = new Map<object, ValidateFunction>();
function validator(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(rebase(schema))));
  return validate;
}

function expectValid(schema: object, value: unknown, what: string): void {
  const validate = validator(schema);
  if (!validate(value)) throw new Error(`${what} does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
}

const responseOf = (c: { operationId: string }, status: number) => operationOf(c.operationId).responses[String(status)]!;

describe('the OpenAPI document', () => {
  it('is valid OpenAPI, by the official schema of the version it declares', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koodrive-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      // The validator is an ES module; its CLI runs it outside jest's CommonJS world.
      const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
      let output: string;
      try {
        output = execFileSync(process.execPath, [cli, file], { encoding: 'utf8' });
      } catch (error) {
        throw new Error(`invalid OpenAPI: ${(error as { stdout?: string }).stdout}`);
      }
      expect(JSON.parse(output)).toEqual({ valid: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every route of infra/routes.cjs, its operation named after the route', () => {
    const documented = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => [operation.operationId, method.toUpperCase(), path]),
    );
    expect(documented).toEqual(expect.arrayContaining(Object.entries(routes).map(([name, r]) => [name, r.method, r.path])));
    expect(documented).toHaveLength(Object.keys(routes).length);
  });

  it.each(Object.keys(routes) as RouteName[])('%s: every error kind it declares, under its status with its code', (name) => {
    const operation = operationOf(name);
    for (const kind of errorKinds(definitionOf(name))) {
      const { status, code } = ERRORS[kind];
      const schema = operation.responses[String(status)]?.content[JSON_TYPE]?.schema as
        { properties: { code: { enum: number[] } } } | undefined;
      expect(schema?.properties.code.enum).toContain(code);
    }
    const declared = new Set(errorKinds(definitionOf(name)).map((kind) => String(ERRORS[kind].status)));
    expect(
      Object.keys(operation.responses)
        .filter((status) => status !== '200')
        .sort(),
    ).toEqual([...declared].sort());
  });

  it('documents the request headers: x-hw-agentName where required, Authorization as the access-token scheme, X-Traceid', () => {
    for (const [name, endpoint] of Object.entries(ENDPOINTS)) {
      const operation = operationOf(name);
      const parameters = Object.fromEntries(operation.parameters.map((p) => [p.name, p]));
      const headers = Object.keys((endpoint.schema.headers as unknown as { shape: object }).shape);
      expect(parameters['X-Traceid']).toMatchObject({ in: 'header', required: false });
      expect(Boolean(parameters['x-hw-agentName']?.required)).toBe(headers.includes('x-hw-agentname'));
      expect(operation['security']).toEqual(headers.includes('authorization') ? [{ accessToken: [] }] : undefined);
    }
  });

  it('has schemas that are valid JSON Schema 2020-12', () => {
    for (const [id, schema] of Object.entries(document.components.schemas)) {
      expect([id, ajv.validateSchema(schema), ajv.errorsText(ajv.errors)]).toEqual([id, true, 'No errors']);
    }
    for (const operation of operations) {
      for (const response of Object.values(operation.responses)) validator(response.content[JSON_TYPE]!.schema);
    }
  });

  it('has examples that match their schemas: every answer, and every request that succeeds', () => {
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [name, example] of Object.entries(response.content[JSON_TYPE]?.examples ?? {})) {
          expectValid(response.content[JSON_TYPE]!.schema, example.value, `${operation.operationId} ${status} example ${name}`);
        }
      }
    }
    for (const c of cases.filter((c) => c.expected.status === 200 && c.body !== undefined)) {
      expectValid(operationOf(c.operationId).requestBody!.content[JSON_TYPE]!.schema, c.body, `${c.operationId} request ${c.name}`);
    }
  });

  it('shows an answer for every error an endpoint declares, and provokes most of them', () => {
    for (const [name, endpoint] of Object.entries(ENDPOINTS)) {
      const operation = operationOf(name);
      for (const kind of errorKinds(endpoint)) {
        const { status, code } = ERRORS[kind];
        const examples = Object.values(operation.responses[String(status)]!.content[JSON_TYPE]!.examples ?? {});
        expect(examples.map((e) => (e.value as { code: number }).code)).toContain(code);
      }
    }
    // Only storage trouble and expiry are left to their answers' examples, wherever they are documented.
    const provoked = new Set(cases.map((c) => (c.expected.example as { code?: number }).code));
    const notProvoked = Object.entries(ERRORS)
      .filter(([, e]) => !provoked.has(e.code))
      .map(([kind]) => kind);
    expect(notProvoked.sort()).toEqual(['internal', 'serviceBusy', 'tokenExpired']);
  });

  it("names in the replay's live table exactly the live values it uses, each one the replay can make, for examples that exist", () => {
    const described = Object.keys(LIVE_VALUES).sort();
    const used = new Set(cases.flatMap((c) => Object.values(c.live)));
    expect([...used].sort()).toEqual(described);
    expect(Object.keys(LIVE).sort()).toEqual(described);
    for (const [name, byExample] of Object.entries(LIVE_TABLE)) {
      const examples = examplesOf(definitionOf(name)).map((c) => c.name);
      expect([name, Object.keys(byExample).filter((example) => !examples.includes(example))]).toEqual([name, []]);
    }
  });

  it('carries no test plumbing: no x- extension anywhere in the document', () => {
    expect(JSON.stringify(document)).not.toMatch(/"x-[a-z-]+":/);
  });

  it('states the limits of the configuration it is built from, not the defaults', () => {
    const limits = { codeTtlSeconds: 90, codeMaxAttempts: 7, captchaTokenTtlSeconds: 3600 };
    const built = buildOpenApiDocument(limits);
    expect(built.paths[routes.sendCode.path]?.['post']?.['description']).toContain('valid 90 seconds');
    expect(built.paths[routes.validateCode.path]?.['post']?.['description']).toContain('after 7 wrong attempts');
    const text = JSON.stringify(built);
    expect(text).toContain('valid 1 hour');
    // The defaults (lib/settings.cjs: 5 minutes, 5 attempts, 10 minutes) written anywhere would be stale here.
    expect(text).not.toMatch(/\b(5|10) minutes\b|\b5 wrong attempts\b/);
  });
});

// ---- Against the local stack ----

const STARTUP_TIMEOUT_MS = 90_000;
const isJson = (contentType: string | undefined) => /^application\/json\b/i.test(contentType ?? '');

describe('the document against the local stack (serverless-offline)', () => {
  let stack: OfflineApi | undefined;
  let api: HttpApi;

  beforeAll(async () => {
    const address = await ownLoopbackAddress();
    stack = await startOfflineApi(STACK_ENV, STARTUP_TIMEOUT_MS);
    api = new HttpApi(stack.baseUrl, address);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("serves /openapi.json: the document the generator builds from the stack's own configuration", async () => {
    const reply = await api.send('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(isJson(reply.headers['content-type'])).toBe(true);
    const served = JSON.parse(reply.text);
    expect(served).toEqual(document);
    expect(served.paths[routes.validateCode.path].post.description).toContain(`after ${STACK_ENV.CODE_MAX_ATTEMPTS} wrong attempts`);
  });

  // A browser resolves the page's references against the address it asked for, trailing slash included.
  it.each(['/docs', '/docs/'])(
    'serves %s: a page and assets from the service alone, no external URL, no online validator',
    async (pagePath) => {
      const page = await api.send('GET', pagePath);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      // The browser may load nothing from elsewhere: every source is the service itself.
      const csp = page.headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/https?:|\*/);

      const references = [...page.text.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      expect(references.length).toBeGreaterThan(0);
      const loaded = references.filter((ref) => !ref.startsWith('data:'));
      for (const ref of loaded) expect(ref).not.toMatch(/^([a-z]+:|\/\/)/i);
      expect(page.text).not.toMatch(/https?:\/\//);

      const pageUrl = new URL(pagePath, 'http://service');
      const bodies: Record<string, string> = {};
      for (const ref of loaded) {
        const { pathname } = new URL(ref, pageUrl);
        const asset = await api.send('GET', pathname);
        expect([ref, asset.status]).toEqual([ref, 200]);
        bodies[pathname] = asset.text;
      }
      expect(Object.keys(bodies)).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']));
      // The page's own script: the document of this service, Swagger UI's online validator off.
      const [initPath, init] = Object.entries(bodies).find(([path]) => !path.includes('swagger-ui'))!;
      const documentRef = /url: new URL\('([^']+)', document\.currentScript\.src\)/.exec(init)?.[1];
      expect(documentRef && new URL(documentRef, new URL(initPath, pageUrl)).pathname).toBe('/openapi.json');
      expect(init).toContain('validatorUrl: null');
      expect(init).not.toMatch(/https?:\/\//);
      expect(bodies['/docs/swagger-ui.css']).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);

      expect((await api.send('GET', '/docs/nothing-here.js')).status).toBe(404);
    },
  );

  it.each(cases.map((c) => [`${c.operationId}: ${c.name}`, c] as const))('replays %s', async (_, c) => {
    const { headers, query, body } = await liveRequest(api, c);
    const sentAsJson = isJson(headers['Content-Type']);
    if (c.expected.status === 200 && body !== undefined) {
      expectValid(operationOf(c.operationId).requestBody!.content[JSON_TYPE]!.schema, body, 'the live request');
    }
    const reply = await api.send(
      c.method,
      withQuery(c.path, query),
      headers,
      body === undefined ? undefined : sentAsJson || typeof body !== 'string' ? JSON.stringify(body) : body,
    );

    expect({ status: reply.status, text: reply.text }).toEqual({ status: c.expected.status, text: expect.any(String) });
    const response = responseOf(c, reply.status);
    expect(isJson(reply.headers['content-type'])).toBe(true);
    const answer: unknown = JSON.parse(reply.text);
    expectValid(response.content[JSON_TYPE]!.schema, answer, 'the answer');
    for (const [name, header] of Object.entries(response.headers)) expectHeader(reply.headers[name.toLowerCase()], header, name);
    const traceId = headers['X-Traceid'];
    if (traceId !== undefined && TRACE_ID.test(traceId)) expect(reply.headers['x-traceid']).toBe(traceId);

    // An error is the same every time: the whole answer is the example's. A success carries fresh
    // ids and tokens: its schema is checked above, its envelope here.
    const example = c.expected.example as Record<string, unknown>;
    if (reply.status !== 200) expect(answer).toEqual(example);
    else if (!definitionOf(c.operationId).bare) expect(answer).toMatchObject({ code: example['code'], msg: example['msg'] });
  });
});

function expectHeader(value: string | undefined, header: Header, name: string): void {
  if (value === undefined) {
    expect([name, header.required]).toEqual([name, false]);
    return;
  }
  const typed = header.schema['type'] === 'integer' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
  expectValid(header.schema, typed, `header ${name}`);
}
