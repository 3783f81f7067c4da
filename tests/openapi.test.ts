// The OpenAPI document: valid OpenAPI 3.1, complete (every route, header and error), and true:
// every request example in it is replayed against the local stack over HTTP (serverless-offline,
// as `npm start` runs it) and the answer checked against the documented status, schema and headers.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { routes } from '../infra/routes.cjs';
import { ERRORS } from '../lib/errors';
import { buildOpenApiDocument, errorKinds, type Header, type Operation } from '../lib/openapi/document';
import { ENDPOINTS, type RouteName } from '../lib/openapi/endpoints';
import { LIVE_VALUES, type LivePointer, type LiveValue } from '../lib/openapi/examples';
import { replayCases, type ReplayCase } from '../lib/openapi/replay';
import { MAX_BODY_BYTES, TRACE_ID } from '../lib/schemas';
import { freePort } from '../scripts/dynamodb-local';
import { startServerless, type RunningCli } from '../scripts/serverless-cli';
import { codeFromOutbox, randomPhone } from './helpers';

const document = buildOpenApiDocument();
const cases = replayCases(document);
const operations = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod));
const operationOf = (name: string): Operation => operations.find((o) => o.operationId === name)!;
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
  it('is valid OpenAPI 3.1', () => {
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
    expect(document.openapi).toMatch(/^3\.1\./);
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
    for (const kind of errorKinds(ENDPOINTS[name])) {
      const { status, code } = ERRORS[kind];
      const schema = operation.responses[String(status)]?.content[JSON_TYPE]?.schema as
        { properties: { code: { enum: number[] } } } | undefined;
      expect(schema?.properties.code.enum).toContain(code);
    }
    const declared = new Set(errorKinds(ENDPOINTS[name]).map((kind) => String(ERRORS[kind].status)));
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

  it('names in x-replay only live values of its x-live-values', () => {
    expect(document['x-live-values']).toEqual(LIVE_VALUES);
    const used = new Set(cases.flatMap((c) => Object.values(c.live)));
    expect([...used].sort()).toEqual(Object.keys(LIVE_VALUES).sort());
  });
});

// ---- Against the local stack ----

const STARTUP_TIMEOUT_MS = 90_000;
// This run's own source address, so that its sends count against a per-IP quota of their own and
// never against the one other suites' stacks share on 127.0.0.1.
const SOURCE_IP = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

let offline: RunningCli | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort();
  let lambdaPort = await freePort();
  while (lambdaPort === port) lambdaPort = await freePort();
  offline = startServerless(['offline', 'start', '--stage', 'local'], {
    PORT: String(port),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    // A flow sends one phone several codes in a row (registration, then a login token).
    SMS_RESEND_COOLDOWN_SECONDS: '0',
    SMS_MAX_PER_IP_PER_HOUR: '1000',
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (!offline.alive()) throw new Error(`serverless offline exited at start:\n${offline.output()}`);
    try {
      await send('GET', '/');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`serverless offline did not answer on port ${port}:\n${offline.output()}`);
      await sleep(250);
    }
  }
}, 120_000);

afterAll(async () => {
  await offline?.stop();
});

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, localAddress: SOURCE_IP }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const AGENT = { 'x-hw-agentName': 'openapi-test', 'Content-Type': JSON_TYPE };

async function post(path: string, body: object, headers: Record<string, string> = {}) {
  const reply = await send('POST', path, { ...AGENT, ...headers }, JSON.stringify(body));
  return { status: reply.status, body: JSON.parse(reply.text) as { code: number; data?: Record<string, any> } };
}

/** Calls until the answer is 429 (what a used-up limit answers), at most `tries` times. */
async function until429(call: () => Promise<{ status: number }>, what: string, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) if ((await call()).status === 429) return;
  throw new Error(`${what}: no 429 after ${tries} calls`);
}

// The service's own steps, for the live values a case needs.
const sendCode = async (phone: string, codeType: string): Promise<string> => {
  const sent = await post(routes.sendCode.path, { phone, codeType });
  if (sent.status !== 200) throw new Error(`send: ${JSON.stringify(sent.body)}`);
  return String(sent.body.data!['requestId']);
};
const validate = async (requestId: string, code: string, codeType: string): Promise<string> => {
  const validated = await post(routes.validateCode.path, { requestId, code, codeType });
  if (validated.status !== 200) throw new Error(`validate: ${JSON.stringify(validated.body)}`);
  return String(validated.body.data!['token']);
};
const captchaFor = async (phone: string, codeType: string) => {
  const requestId = await sendCode(phone, codeType);
  return validate(requestId, codeFromOutbox(requestId), codeType);
};
const PASSWORD = '01ASDAa1';
async function newUser() {
  const phone = randomPhone();
  const registered = await post(routes.register.path, {
    firstname: 'John',
    surname: 'Smith',
    phone,
    email: '',
    captchaToken: await captchaFor(phone, '1'),
    password: PASSWORD,
  });
  if (registered.status !== 200) throw new Error(`register: ${JSON.stringify(registered.body)}`);
  const data = registered.body.data!;
  return {
    phone,
    userId: String(data['userId']),
    accessToken: String(data['sessionInfo'].accessToken),
    refreshToken: String(data['sessionInfo'].refreshToken),
  };
}

/** The live values of one case, each made once, on first use, from fresh phones and users. */
class Flow {
  private readonly made = new Map<string, Promise<any>>();
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key)!;
  }
  get(name: LiveValue): Promise<string> {
    return this.once(name, () => LIVE[name](this));
  }
  user() {
    return this.once('user', newUser);
  }
}

const LIVE: Record<LiveValue, (flow: Flow) => Promise<string>> = {
  phone: () => Promise.resolve(randomPhone()),
  requestId: async (f) => sendCode(await f.get('phone'), '1'),
  code: async (f) => codeFromOutbox(await f.get('requestId')),
  wrongCode: async (f) => String((Number(await f.get('code')) + 1) % 1_000_000).padStart(6, '0'),
  spentRequestId: async () => {
    const requestId = await sendCode(randomPhone(), '1');
    const wrong = String((Number(codeFromOutbox(requestId)) + 1) % 1_000_000).padStart(6, '0');
    await until429(() => post(routes.validateCode.path, { requestId, code: wrong, codeType: '1' }), 'wrong codes');
    return requestId;
  },
  captchaToken: async (f) => validate(await f.get('requestId'), await f.get('code'), '1'),
  exhaustedPhone: async () => {
    const phone = randomPhone();
    await until429(() => post(routes.sendCode.path, { phone, codeType: '1' }), 'sends to one phone');
    return phone;
  },
  userPhone: async (f) => (await f.user()).phone,
  userId: async (f) => (await f.user()).userId,
  accessToken: async (f) => (await f.user()).accessToken,
  refreshToken: async (f) => (await f.user()).refreshToken,
  userCaptchaToken: async (f) => captchaFor((await f.user()).phone, '1'),
  loginCaptchaToken: async (f) => captchaFor((await f.user()).phone, '2'),
  lockedPhone: async () => {
    const { phone } = await newUser();
    await until429(() => post(routes.login.path, { account: phone, authType: '1', password: 'Not-the-1-password' }), 'wrong passwords');
    return phone;
  },
  oversized: () => Promise.resolve('x'.repeat(MAX_BODY_BYTES)),
};

/** The case's request with its live values in place. */
async function liveRequest(c: ReplayCase) {
  const flow = new Flow();
  const headers = { ...c.headers };
  const body: unknown = structuredClone(c.body);
  for (const [pointer, name] of Object.entries(c.live) as Array<[LivePointer, LiveValue]>) {
    const [, where, key] = pointer.split('/') as [string, 'body' | 'headers', string];
    const value = await flow.get(name);
    if (where === 'headers') headers[key] = value;
    else if (typeof body === 'object' && body !== null) (body as Record<string, unknown>)[key] = value;
    else throw new Error(`${c.operationId}: ${c.name} puts a live value into a body that is not an object`);
  }
  return { headers, body };
}

const isJson = (contentType: string | undefined) => /^application\/json\b/i.test(contentType ?? '');

describe('the document against the local stack (serverless-offline)', () => {
  it('serves /openapi.json: the document the generator builds', async () => {
    const reply = await send('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(isJson(reply.headers['content-type'])).toBe(true);
    expect(JSON.parse(reply.text)).toEqual(document);
  });

  it('serves /docs: a page and assets from the service alone, no external URL, no online validator', async () => {
    const page = await send('GET', '/docs');
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

    const bodies: Record<string, string> = {};
    for (const ref of loaded) {
      const asset = await send('GET', new URL(ref, 'http://service/docs').pathname);
      expect([ref, asset.status]).toEqual([ref, 200]);
      bodies[ref] = asset.text;
    }
    expect(Object.keys(bodies)).toEqual(expect.arrayContaining(['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js']));
    // The page's own script: the document of this service, Swagger UI's online validator off.
    const init = Object.entries(bodies).find(([ref]) => !ref.includes('swagger-ui'))![1];
    expect(init).toContain("url: 'openapi.json'");
    expect(init).toContain('validatorUrl: null');
    expect(init).not.toMatch(/https?:\/\//);
    expect(bodies['docs/swagger-ui.css']).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);

    expect((await send('GET', '/docs/nothing-here.js')).status).toBe(404);
  });

  it.each(cases.map((c) => [`${c.operationId}: ${c.name}`, c] as const))('replays %s', async (_, c) => {
    const { headers, body } = await liveRequest(c);
    const sentAsJson = isJson(headers['Content-Type']);
    if (c.expected.status === 200 && body !== undefined) {
      expectValid(operationOf(c.operationId).requestBody!.content[JSON_TYPE]!.schema, body, 'the live request');
    }
    const reply = await send(
      c.method,
      c.path,
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
    else if (!ENDPOINTS[c.operationId as RouteName].bare) expect(answer).toMatchObject({ code: example['code'], msg: example['msg'] });
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
