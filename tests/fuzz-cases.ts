// Hostile input for every HTTP endpoint, shared by tests/fuzz.test.ts (a few hundred cases per
// endpoint, in `npm test`) and bench/fuzz.ts (`npm run fuzz`, ten thousand and more). No jest here:
// a violated property throws an Error that describes the case.
//
// The property (docs/API.md §0, §5): whatever arrives, the answer is 200 or 4xx, never 5xx; its body is
// JSON and the API's envelope (`code` number, `msg` string, `data` absent or an object; the JWKS
// endpoint answers `{keys: [...]}` instead); no internals (stack, exception class names, file
// paths) reach the client; and no prototype was polluted on the way.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as fc from 'fast-check';
import { ALL_ENDPOINTS, type RouteName } from '../lib/api/index';
import { httpEvent, lambdaContext } from './kit/invoke';

export type Endpoint = RouteName;
export const ENDPOINTS = Object.keys(ALL_ENDPOINTS) as Endpoint[];

type Handler = (event: any, context: Context) => Promise<unknown>;
export type Handlers = Record<Endpoint, Handler>;

/** Genuine material, so that valid-shaped requests get past the first checks now and then. */
export interface FuzzContext {
  /** Registered users with a live session. */
  users: Array<{ phone: string; password: string; userId: string; accessToken: string; refreshToken: string }>;
  /** Unused registration captcha tokens, each for its own unregistered phone. */
  captchaTokens: Array<{ phone: string; token: string }>;
  /** Unused password-reset captcha tokens (codeType 3), one for each user's phone. */
  resetTokens: Array<{ phone: string; token: string }>;
  /** Sent, unvalidated codes (registration scenario) and the code each SMS carried. */
  codes: Array<{ requestId: string; code: string }>;
}

/** One hostile request: headers and query parameters (undefined = none at all) and a body (JSON text, raw text or base64). */
export interface HostileRequest {
  headers: Record<string, string> | undefined;
  query: Record<string, string> | undefined;
  body: string | undefined;
  isBase64Encoded: boolean;
}

// ---------------------------------------------------------------------------------------------
// Strings and values

/** The characters of an ASCII alphabet: one code unit each, so no character can be split. */
const asciiChars = (alphabet: string): string[] => Array.from(alphabet);

/** Characters that trip parsers and validators: controls, look-alikes, full-width and other digits, surrogates. */
// One line per kind, so Prettier leaves it alone.
// prettier-ignore
const NASTY_CHARS = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u00a0', '\u00ad',
  '\u200b', '\u200c', '\u200d', '\u200e', '\u202e', '\u2028', '\u2029', '\u2060', '\u3000', '\ufeff', '\ufffd', '\uffff',
  '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '\u0301', '\u0336',
  '０', '１', '２', '７', '９', '＋', '－', '（', '）', '٠', '٣', '۷', '७', '๙', '𝟎', '𝟗', '⁰', '²', '①',
  'А', 'а', 'е', 'о', 'р', 'ı', 'İ', 'ß', 'ﬀ', 'Ω', 'Ａ', '"', '\\', '/', '<', '>', '&', "'", '%', '$', '{', '}', '[', ']',
];
const PLAIN_CHARS = asciiChars('0123456789+-() abcxyzABCXYZ@._');

const nastyString = (maxLength = 40) =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...NASTY_CHARS, ...PLAIN_CHARS), maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ maxLength }),
  );

/** Phone-like strings: the right shape with look-alike digits, odd separators, controls mixed in. */
const phoneLike = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', '+', '00', '＋', '００', '0', '++', '+00', ' +', '\u202e+'),
      fc.array(
        fc.constantFrom(
          '0',
          '1',
          '2',
          '7',
          '8',
          '9',
          '０',
          '７',
          '٣',
          '𝟗',
          ' ',
          '-',
          '(',
          ')',
          '\u00a0',
          '\u3000',
          '\u200b',
          '\u0000',
          '\ud800',
          '.',
          '/',
        ),
        {
          maxLength: 40,
        },
      ),
    )
    .map(([prefix, parts]) => prefix + parts.join('')),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => `+${n}`),
);

/** 1 to 20,000 characters, cheaply. */
const hugeString = fc
  .tuple(fc.constantFrom('a', '0', 'é', '\ud83d\ude00', '\u0000', '\\', '"', 'ab1!', '\ud800'), fc.integer({ min: 1, max: 20_000 }))
  .map(([unit, n]) => unit.repeat(Math.max(1, Math.floor(n / unit.length))));

/** Deeply nested JSON text, written directly (no recursion anywhere to build it); unclosed = malformed. */
const nested = (closed: boolean) =>
  fc.tuple(fc.constantFrom('[', '{"a":', '{"__proto__":'), fc.integer({ min: 1, max: 4_000 })).map(([open, depth]) => {
    const close = open === '[' ? ']' : '}';
    return open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '');
  });
const deepJson = fc.oneof(nested(true), nested(false));

const POLLUTERS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":null}',
  '{"$ne":""}',
  '{"$gt":""}',
  '["0027188460901"]',
  '[]',
  '{}',
  'null',
  'true',
  'false',
  '0',
  '-0',
  '1e999',
  '-1e-999',
  '123456789012345678901234567890',
  '0.1',
  '""',
];

/** Any JSON value as text: the wrong type, the wrong shape, too big, too deep. */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 8, arbitrary: nastyString().map((s) => JSON.stringify(s)) },
  { weight: 4, arbitrary: fc.constantFrom(...POLLUTERS) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.maxSafeInteger()).map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: hugeString.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: nested(true) },
);

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...asciiChars('0123456789')), minLength: n, maxLength: n });
const hex32 = fc.string({ unit: fc.constantFrom(...asciiChars('0123456789abcdef')), minLength: 32, maxLength: 32 });
const hex48 = fc.string({ unit: fc.constantFrom(...asciiChars('0123456789abcdef')), minLength: 48, maxLength: 48 });
/** A random canonical phone from a space large enough that send limits rarely meet twice. */
const freshPhone = fc
  .tuple(
    fc.integer({ min: 10, max: 99 }),
    fc.integer({ min: 100_000_000, max: 999_999_999 }),
    fc.constantFrom('00', '+', '00 ', '+(', '+ '),
  )
  .map(([cc, rest, prefix]) => `${prefix}${cc}${rest}`);

const pick = <T>(items: T[]): fc.Arbitrary<T> | undefined => (items.length > 0 ? fc.constantFrom(...items) : undefined);
const oneOfDefined = <T>(...arbs: Array<fc.Arbitrary<T> | undefined>): fc.Arbitrary<T> =>
  fc.oneof(...arbs.filter((a): a is fc.Arbitrary<T> => a !== undefined));

/** A field's good values (as JSON text), for the template of each endpoint. */
type Template = Record<string, fc.Arbitrary<string>>;
const str = (a: fc.Arbitrary<string>) => a.map((s) => JSON.stringify(s));

/**
 * Good values by field name, wherever the field appears, from genuine material where there is some.
 * A field an endpoint module adds that is not here is fuzzed from its examples' values.
 */
function fieldValues(ctx: FuzzContext): Template {
  const userPhone = pick(ctx.users.map((u) => u.phone));
  const password = oneOfDefined(
    fc.constantFrom('01ASDAa1', 'password', 'Wrong-Pass-1', '🔑🔑🔑🔑🔑🔑🔑🔑'),
    pick(ctx.users.map((u) => u.password)),
  );
  return {
    phone: str(oneOfDefined(freshPhone, phoneLike)),
    account: str(oneOfDefined(freshPhone, userPhone, phoneLike)),
    codeType: str(fc.constantFrom('1', '2', '3', '4')),
    requestId: str(oneOfDefined(hex32, digits(19), pick(ctx.codes.map((c) => c.requestId)))),
    code: str(digits(6)),
    firstname: str(fc.constantFrom('Ann', ' Zoë ', 'X')),
    surname: str(fc.constantFrom('Lee', '')),
    email: str(fc.constantFrom('', 'ann@example.com', 'Ann.Lee@Example.COM')),
    captchaToken: str(hex48),
    password: str(password),
    refreshToken: str(oneOfDefined(hex48, pick(ctx.users.map((u) => u.refreshToken)))),
    userId: str(oneOfDefined(digits(19), pick(ctx.users.map((u) => u.userId)))),
    accessToken: str(oneOfDefined(pick(ctx.users.map((u) => u.accessToken)), fc.constant('AT a.b.c'))),
    phoneNumber: str(oneOfDefined(freshPhone, userPhone, phoneLike)),
    newPwd: str(oneOfDefined(password, fc.constantFrom('N3w-Passw0rd', 'Ｎ３ｗ－Ｐａｓｓｗ０ｒｄ', '12345678', 'a'.repeat(73)))),
  };
}

/**
 * An endpoint's templates, derived from its module (lib/api/): one per distinct set of fields its
 * examples send (login's two authTypes, say), each field at the vocabulary's good values or its
 * examples' own. Then, where the fields allow it, genuine pairs that may really succeed: a pending
 * code with its right code, a captcha token with the phone it was issued for.
 */
function templates(endpoint: Endpoint, ctx: FuzzContext): Template[] {
  const vocabulary = fieldValues(ctx);
  const bodies = ALL_ENDPOINTS[endpoint].examples.flatMap((e) => (isPlainObject(e.body) ? [e.body] : []));
  const byFields = new Map<string, Record<string, unknown>[]>();
  for (const body of bodies) {
    const key = Object.keys(body).sort().join(',');
    byFields.set(key, [...(byFields.get(key) ?? []), body]);
  }
  const made: Template[] = [...byFields.values()].map((group) =>
    Object.fromEntries(
      Object.keys(group[0]!).map((field) => [field, vocabulary[field] ?? fc.constantFrom(...group.map((b) => JSON.stringify(b[field])))]),
    ),
  );
  const fields = new Set(bodies.flatMap((b) => Object.keys(b)));
  const code = pick(ctx.codes);
  if (code && fields.has('requestId') && fields.has('code')) {
    made.push({
      'raw:requestId': code.map((c) => `${JSON.stringify(c.requestId)},"code":${JSON.stringify(c.code)}`),
      codeType: str(fc.constant('1')),
    });
  }
  const resetPair = pick(ctx.resetTokens);
  if (resetPair && fields.has('phoneNumber') && fields.has('captchaToken')) {
    made.push({
      'raw:phoneNumber': resetPair.map((p) => `${JSON.stringify(p.phone)},"captchaToken":${JSON.stringify(p.token)}`),
      newPwd: str(fc.constantFrom('N3w-Passw0rd', 'password', '01ASDAa1')),
    });
  }
  const tokenPair = pick(ctx.captchaTokens);
  if (tokenPair && fields.has('phone') && fields.has('captchaToken') && fields.has('firstname')) {
    made.push({
      'raw:phone': tokenPair.map((p) => `${JSON.stringify(p.phone)},"captchaToken":${JSON.stringify(p.token)}`),
      firstname: str(fc.constantFrom('Ann', 'Zoë')),
      password: str(fc.constant('01ASDAa1')),
    });
  }
  return made;
}

/** A template's object with each field kept, dropped or replaced by a hostile value, plus extra keys. */
function mutatedObject(template: Template): fc.Arbitrary<string> {
  const fields = Object.entries(template).map(([name, good]) =>
    fc.oneof(
      { weight: 12, arbitrary: good.map((v) => [[name, v]] as Array<[string, string]>) },
      { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 2, arbitrary: hostileJson.map((v) => [[name, v]] as Array<[string, string]>) },
    ),
  );
  const extras = fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'polluted', ''), nastyString(10)),
          hostileJson,
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
  );
  return fc.tuple(fc.tuple(...fields), extras, fc.boolean()).map(([chosen, extra, extraFirst]) => {
    const entries = chosen.flat();
    // A `raw:<field>` pseudo-field writes two fields at once (see templates): its value opens with <field>'s.
    const text = entries.map(([k, v]) => `${JSON.stringify(k.replace(/^raw:/, ''))}:${v}`);
    const more = extra.map(([k, v]) => `${JSON.stringify(k)}:${v}`);
    return `{${(extraFirst ? [...more, ...text] : [...text, ...more]).join(',')}}`;
  });
}

/** Bodies that are not an object, or not JSON at all. */
const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"text"',
    '42',
    '{',
    '}',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '{"a":"\u0000"}',
    'undefined',
    'NaN',
  ),
  nastyString(200),
  hostileJson,
  hugeString,
  deepJson,
);

/** A body as the service sees it: JSON text, raw text, or base64 of bytes (invalid UTF-8 included). */
function bodyArbitrary(endpoint: Endpoint, ctx: FuzzContext): fc.Arbitrary<Pick<HostileRequest, 'body' | 'isBase64Encoded'>> {
  const own = templates(endpoint, ctx);
  const objects = own.length > 0 ? own.map(mutatedObject) : [fc.constant('{}')];
  const plain = fc.oneof(
    { weight: 12, arbitrary: fc.oneof(...objects) },
    { weight: 2, arbitrary: rawBody },
    { weight: 1, arbitrary: objects[0]!.map((text) => text.slice(0, Math.max(0, text.length - 1))) }, // truncated
  );
  const invalidUtf8 = fc.constantFrom(
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xc3, 0x28]),
    Buffer.from([0xe2, 0x28, 0xa1]),
    Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
    Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
    Buffer.from([0xc0, 0xaf]), // overlong "/"
    Buffer.from([0x00]),
  );
  const base64 = fc.oneof(
    // A good body, base64-encoded: must read the same as plain.
    plain.map((text) => Buffer.from(text, 'utf8').toString('base64')),
    // A body with invalid UTF-8 bytes spliced into it.
    fc.tuple(fc.oneof(...objects), invalidUtf8, fc.nat()).map(([text, bad, at]) => {
      const bytes = Buffer.from(text, 'utf8');
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      return Buffer.concat([bytes.subarray(0, i), bad, bytes.subarray(i)]).toString('base64');
    }),
    fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    nastyString(100), // not base64 at all
  );
  return fc.oneof(
    { weight: 12, arbitrary: plain.map((body) => ({ body, isBase64Encoded: false })) },
    { weight: 2, arbitrary: base64.map((body) => ({ body, isBase64Encoded: true })) },
    { weight: 1, arbitrary: fc.constant({ body: undefined, isBase64Encoded: false }) },
  );
}

// ---------------------------------------------------------------------------------------------
// Headers

const optionalHeader = (names: string[], good: fc.Arbitrary<string>, odd: fc.Arbitrary<string>, weights = { good: 16, odd: 2, none: 1 }) =>
  fc.oneof(
    { weight: weights.good, arbitrary: fc.tuple(fc.constantFrom(...names), good).map(([n, v]) => [[n, v]] as Array<[string, string]>) },
    { weight: weights.odd, arbitrary: fc.tuple(fc.constantFrom(...names), odd).map(([n, v]) => [[n, v]] as Array<[string, string]>) },
    { weight: weights.none, arbitrary: fc.constant([] as Array<[string, string]>) },
  );

function authorizationValues(ctx: FuzzContext): { good: fc.Arbitrary<string>; odd: fc.Arbitrary<string> } {
  const tokens = ctx.users.map((u) => u.accessToken);
  const jws = tokens.map((t) => t.replace(/^AT /, ''));
  const good =
    tokens.length > 0
      ? fc.oneof(
          fc.constantFrom(...tokens),
          fc.constantFrom(...jws).map((t) => `Bearer ${t}`),
          fc.constantFrom(...jws),
        )
      : fc.constant('AT a.b.c');
  const tampered =
    jws.length > 0
      ? fc.tuple(fc.constantFrom(...jws), fc.nat(), fc.constantFrom('A', '_', '.', '', '==')).map(([t, at, c]) => {
          const i = at % t.length;
          return `AT ${t.slice(0, i)}${c}${t.slice(i + 1)}`;
        })
      : fc.constant('AT x.y.z');
  const odd = fc.oneof(
    tampered,
    nastyString(100),
    fc.constantFrom(
      '',
      ' ',
      'AT',
      'AT ',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'AT a.b',
      'AT ..',
      'AT a.b.c.d',
      'AT eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
    ),
    fc
      .tuple(
        fc.constantFrom('AT ', 'Bearer ', 'at ', ''),
        fc.string({ unit: fc.constantFrom(...asciiChars('ABCxyz019_-.')), maxLength: 300 }),
      )
      .map(([s, t]) => s + t),
    hugeString.map((s) => `AT ${s}`),
  );
  return { good, odd };
}

function headersArbitrary(endpoint: Endpoint, ctx: FuzzContext): fc.Arbitrary<Record<string, string> | undefined> {
  const agent = optionalHeader(
    ['x-hw-agentName', 'X-HW-AGENTNAME', 'x-hw-agentname', 'X-Hw-Agentname'],
    fc.constantFrom('test-agent', 'KooDrive', 'a'),
    fc.oneof(nastyString(80), fc.constantFrom('', ' ', 'a'.repeat(64), 'a'.repeat(65), 'app\u0007', '\u00e9'), hugeString),
  );
  const contentType = optionalHeader(
    ['Content-Type', 'content-type', 'CONTENT-TYPE'],
    fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    fc.oneof(
      fc.constantFrom(
        'APPLICATION/JSON',
        'application/json;',
        'application/json ;charset=utf-8',
        ' application/json',
        'application/json, text/plain',
        'application/vnd.api+json',
        'application/problem+json',
        'application/jsonx',
        'text/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        '',
        '*/*',
        'application/json; charset=utf-16',
        'application/json\u0000',
      ),
      nastyString(60),
    ),
  );
  const { good, odd } = authorizationValues(ctx);
  // Endpoints that take an access token get a good one most of the time, the others now and then.
  const needsAuth = 'authorization' in (ALL_ENDPOINTS[endpoint].schema.headers as unknown as { shape: object }).shape;
  const authorization = optionalHeader(
    ['Authorization', 'authorization', 'AUTHORIZATION'],
    good,
    odd,
    needsAuth ? { good: 10, odd: 3, none: 1 } : { good: 1, odd: 1, none: 8 },
  );
  const traceId = optionalHeader(
    ['X-Traceid', 'x-traceid', 'X-TraceId'],
    fc.string({ unit: fc.constantFrom(...asciiChars('abcXYZ019_-')), minLength: 1, maxLength: 64 }),
    fc.oneof(nastyString(80), fc.constantFrom('', ' ', 'has spaces', 'semi;colon', 'a'.repeat(65), '../../etc/passwd', '<script>')),
    { good: 1, odd: 1, none: 8 },
  );
  const extra = fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              '__proto__',
              'constructor',
              'prototype',
              'hasOwnProperty',
              'toString',
              'x-hw-agentname ',
              'content-length',
              'Host',
            ),
            nastyString(20),
          ),
          nastyString(100),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
  );
  const named = fc.tuple(agent, contentType, authorization, traceId, extra, fc.boolean()).map(([a, c, auth, trace, more, reversed]) => {
    const entries = [...a, ...c, ...auth, ...trace, ...more];
    if (reversed) entries.reverse();
    const headers: Record<string, string> = {};
    // defineProperty: a `__proto__` header is a header, as it is in a parsed API Gateway event.
    for (const [name, value] of entries)
      Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    return headers;
  });
  return fc.oneof(
    { weight: 20, arbitrary: named },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

// ---------------------------------------------------------------------------------------------
// Query parameters

/** Good values by parameter name (the strings themselves: a query holds no JSON), from genuine material where there is some. */
function queryValues(ctx: FuzzContext): Record<string, fc.Arbitrary<string>> {
  return {
    userId: oneOfDefined(digits(19), pick(ctx.users.map((u) => u.userId))),
    phone: oneOfDefined(freshPhone, pick(ctx.users.map((u) => u.phone)), phoneLike),
  };
}

/** What a query parameter may hold besides a good value: anything, a repeated name's values joined by commas, nothing. */
const hostileQueryValue = fc.oneof(
  nastyString(60),
  hugeString,
  fc.constantFrom('', ' ', ',', '1,2', '0027188460901,0027188460902', '%00', '+27188460901', 'null', 'undefined', '[]', '{}'),
);

/**
 * The query an endpoint's schema reads (lib/api/), each parameter kept at a good value (the
 * vocabulary's, or its examples' own), dropped or hostile, plus unknown and prototype-named ones;
 * now and then no query at all. An endpoint that reads none gets stray parameters now and then.
 */
function queryArbitrary(endpoint: Endpoint, ctx: FuzzContext): fc.Arbitrary<Record<string, string> | undefined> {
  const schema = ALL_ENDPOINTS[endpoint].schema.query as unknown as { shape: object } | undefined;
  const vocabulary = queryValues(ctx);
  const examples = ALL_ENDPOINTS[endpoint].examples.flatMap((e) => (e.query ? [e.query] : []));
  const names = Object.keys(schema?.shape ?? {});
  const parameters = names.map((name) => {
    const shown = examples.flatMap((q) => (q[name] === undefined ? [] : [q[name]]));
    const good = vocabulary[name] ?? (shown.length > 0 ? fc.constantFrom(...shown) : nastyString(20));
    return fc.oneof(
      { weight: 8, arbitrary: good.map((v) => [[name, v]] as Array<[string, string]>) },
      { weight: 4, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 2, arbitrary: hostileQueryValue.map((v) => [[name, v]] as Array<[string, string]>) },
    );
  });
  const extras = fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), nastyString(10)),
          nastyString(40),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
  );
  const query = fc.tuple(fc.tuple(...parameters), extras).map(([chosen, extra]) => {
    const made: Record<string, string> = {};
    // defineProperty: a `__proto__` parameter is a parameter, as it is in a parsed API Gateway event.
    for (const [name, value] of [...chosen.flat(), ...extra]) {
      Object.defineProperty(made, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return Object.keys(made).length > 0 ? made : undefined;
  });
  return names.length > 0
    ? fc.oneof({ weight: 12, arbitrary: query }, { weight: 1, arbitrary: fc.constant(undefined) })
    : fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: query });
}

export function requestArbitrary(endpoint: Endpoint, ctx: FuzzContext): fc.Arbitrary<HostileRequest> {
  return fc
    .tuple(headersArbitrary(endpoint, ctx), queryArbitrary(endpoint, ctx), bodyArbitrary(endpoint, ctx))
    .map(([headers, query, body]) => ({ headers, query, ...body }));
}

// ---------------------------------------------------------------------------------------------
// The property

/** The event API Gateway would hand over for this request (a fresh object: middy mutates it). */
export function toEvent(endpoint: Endpoint, request: HostileRequest): APIGatewayProxyEventV2 {
  const { method, path } = ALL_ENDPOINTS[endpoint];
  const event = httpEvent({ method, path, headers: {} });
  // Copied by defineProperty so that a `__proto__` header survives as a header.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  }
  (event as { headers: unknown }).headers = request.headers === undefined ? undefined : headers;
  if (request.query !== undefined) {
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query)) {
      Object.defineProperty(query, name, { value, enumerable: true, writable: true, configurable: true });
    }
    event.queryStringParameters = query;
    event.rawQueryString = new URLSearchParams(Object.entries(query)).toString();
  }
  event.body = request.body;
  event.isBase64Encoded = request.isBase64Encoded;
  return event;
}

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
const baseline = new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).length]));

/** Throws when a prototype gained a property, or `({}).polluted` is anything. */
export function assertNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  if (probe['polluted'] !== undefined || ([] as unknown as Record<string, unknown>)['polluted'] !== undefined) {
    throw new Error('prototype polluted: ({}).polluted is defined');
  }
  for (const [name, proto] of PROTOTYPES) {
    if (Reflect.ownKeys(proto).length !== baseline.get(name)) throw new Error(`prototype polluted: ${name} gained a property`);
  }
}

// Long base64url runs (tokens, keys, signatures) are random and may spell anything: not looked at.
const TOKEN_RUN = /[A-Za-z0-9_-]{40,}/g;
const INTERNALS: Array<[string, RegExp]> = [
  ['a stack', /stack/i],
  ['an error class name', /[A-Z]\w*(?:Error|Exception)\b|\bError\b/],
  ['a stack frame', /\bat [\w.<>$]+ \(|\bat (?:async )?[\w.]+:\d+/],
  ['node_modules', /node_modules/],
  ['a source location', /\.[cm]?[jt]sx?:\d|\.ts:/],
  ['a file path', /(?:^|[\s"'(=:])\/(?:[\w.@-]+\/)+[\w.@-]+|[A-Za-z]:\\\\[\w]/],
  ['an AWS detail', /\$metadata|\$fault|arn:aws|ConditionalCheck|TransactionCanceled|ValidationException/],
];

const clip = (text: string | undefined, max = 600) =>
  text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** What a failing case was, readable and re-runnable. */
export function describeCase(endpoint: Endpoint, request: HostileRequest, answer?: { statusCode?: unknown; body?: unknown }): string {
  return [
    `endpoint ${endpoint}`,
    `headers ${clip(JSON.stringify(request.headers))}`,
    `query ${clip(JSON.stringify(request.query))}`,
    `isBase64Encoded ${request.isBase64Encoded}`,
    `body ${clip(JSON.stringify(request.body))}`,
    ...(answer
      ? [`answered ${String(answer.statusCode)} ${clip(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))}`]
      : []),
  ].join('\n  ');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The property for one answer; throws an Error naming what is wrong and the case. */
export function checkAnswer(endpoint: Endpoint, request: HostileRequest, result: unknown): number {
  const fail = (why: string): never => {
    throw new Error(`${why}\n  ${describeCase(endpoint, request, isPlainObject(result) ? result : { body: result })}`);
  };
  if (!isPlainObject(result)) return fail('the handler answered no response object');
  const { statusCode, headers, body } = result;
  if (typeof statusCode !== 'number' || !(statusCode === 200 || (statusCode >= 400 && statusCode < 500))) {
    fail(`status ${String(statusCode)}: not 200 or 4xx`);
  }
  const status = statusCode as number;
  if (typeof body !== 'string') return fail('the body is not a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail('the body is not JSON');
  }
  if (!isPlainObject(headers) || !/^application\/json\b/.test(String(headers['Content-Type']))) fail('no JSON Content-Type');

  if (!isPlainObject(parsed)) return fail('the body is not a JSON object');
  if (endpoint === 'jwks' && status === 200) {
    const keys = parsed['keys'];
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPlainObject) || Object.keys(parsed).length !== 1) fail('not a JWK Set');
    if ((keys as Array<Record<string, unknown>>).some((k) => 'd' in k)) fail('the JWK Set publishes a private key');
  } else {
    const { code, msg, data } = parsed;
    if (typeof code !== 'number' || !Number.isInteger(code)) fail('envelope: code is not a number');
    if (typeof msg !== 'string' || msg.length === 0) fail('envelope: msg is not a string');
    if (data !== undefined && !isPlainObject(data)) fail('envelope: data is neither absent nor an object');
    if (Object.keys(parsed).some((k) => k !== 'code' && k !== 'msg' && k !== 'data')) fail('envelope: extra members');
    if ((status === 200) !== (code === 0)) fail(`envelope: code ${String(code)} with status ${status}`);
  }
  const visible = body.replace(TOKEN_RUN, '<token>');
  for (const [what, pattern] of INTERNALS) {
    const hit = pattern.exec(visible);
    if (hit) fail(`the body shows ${what} (${JSON.stringify(hit[0])})`);
  }
  try {
    assertNoPollution();
  } catch (error) {
    fail((error as Error).message);
  }
  return status;
}

/** Runs one case through the handler and checks the property; resolves to the status. */
export async function runCase(endpoint: Endpoint, handler: Handler, request: HostileRequest): Promise<number> {
  let result: unknown;
  try {
    result = await handler(toEvent(endpoint, request), lambdaContext());
  } catch (error) {
    throw new Error(`the handler threw ${String(error)}\n  ${describeCase(endpoint, request)}`);
  }
  return checkAnswer(endpoint, request, result);
}

export interface FuzzReport {
  endpoint: Endpoint;
  runs: number;
  histogram: Record<string, number>;
  failures: number;
  /** The first few failure descriptions. */
  examples: string[];
  seed: number;
  ms: number;
}

export interface FuzzOptions {
  runs: number;
  seed?: number;
  /**
   * true (tests): stop at the first violation, shrink it, and throw fast-check's report.
   * false (the fuzz script): count every violation, keep the first few, go on.
   */
  stopOnFailure: boolean;
  /** Examples to keep when not stopping. */
  keepExamples?: number;
}

/** Fuzzes one endpoint: `runs` generated requests through its handler. */
export async function fuzzEndpoint(endpoint: Endpoint, handler: Handler, ctx: FuzzContext, options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x7fffffff);
  const report: FuzzReport = { endpoint, runs: 0, histogram: {}, failures: 0, examples: [], seed, ms: 0 };
  const started = Date.now();
  let shrinking = false;
  const property = fc.asyncProperty(requestArbitrary(endpoint, ctx), async (request) => {
    if (!shrinking) report.runs++;
    try {
      const status = await runCase(endpoint, handler, request);
      if (!shrinking) report.histogram[status] = (report.histogram[status] ?? 0) + 1;
    } catch (error) {
      if (options.stopOnFailure) {
        if (!shrinking) report.failures++;
        shrinking = true;
        throw error;
      }
      report.failures++;
      report.histogram['violation'] = (report.histogram['violation'] ?? 0) + 1;
      if (report.examples.length < (options.keepExamples ?? 5)) report.examples.push((error as Error).message);
    }
  });
  try {
    await fc.assert(property, { numRuns: options.runs, seed, includeErrorInReport: true });
  } finally {
    report.ms = Date.now() - started;
  }
  return report;
}

export function formatReport(report: FuzzReport): string {
  const histogram = Object.entries(report.histogram)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  return `fuzz ${report.endpoint.padEnd(14)} runs ${String(report.runs).padStart(6)}  failures ${report.failures}  ${(report.ms / 1000).toFixed(1).padStart(6)} s  seed ${report.seed}  statuses ${histogram}`;
}

/**
 * Genuine material for the valid-shaped cases, made through the handlers themselves: codes sent and
 * left pending, captcha tokens for fresh phones, and registered users with a live session and a
 * password-reset token. Each user's phone gets two codes: `handlers` must allow it (no resend
 * cooldown). An endpoint whose successes end sessions or accounts (a reset, a deletion) uses up
 * the users: give each endpoint a context of its own.
 */
export async function prepareContext(
  handlers: Handlers,
  codeOf: (requestId: string) => string | Promise<string>,
  sizes = { users: 3, tokens: 3, codes: 3 },
): Promise<FuzzContext> {
  const headers = { 'x-hw-agentName': 'fuzz', 'Content-Type': 'application/json' };
  const invoke = async (endpoint: Endpoint, body: unknown) => {
    const result = (await handlers[endpoint](
      toEvent(endpoint, { headers, query: undefined, body: JSON.stringify(body), isBase64Encoded: false }),
      lambdaContext(),
    )) as {
      statusCode: number;
      body: string;
    };
    const parsed = JSON.parse(result.body) as { data?: Record<string, unknown> };
    if (result.statusCode !== 200) throw new Error(`preparing the fuzz context: ${endpoint} answered ${result.statusCode} ${result.body}`);
    return parsed.data ?? {};
  };
  const phone = () => `0095${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
  const send = async (p: string, codeType = '1') => String((await invoke('sendCode', { phone: p, codeType }))['requestId']);
  const token = async (p: string, codeType = '1') => {
    const requestId = await send(p, codeType);
    return String((await invoke('validateCode', { requestId, code: await codeOf(requestId), codeType }))['token']);
  };
  const ctx: FuzzContext = { users: [], captchaTokens: [], resetTokens: [], codes: [] };
  for (let i = 0; i < sizes.codes; i++) {
    const requestId = await send(phone());
    ctx.codes.push({ requestId, code: await codeOf(requestId) });
  }
  for (let i = 0; i < sizes.tokens; i++) {
    const p = phone();
    ctx.captchaTokens.push({ phone: p, token: await token(p) });
  }
  for (let i = 0; i < sizes.users; i++) {
    const p = phone();
    const password = '01ASDAa1';
    const data = await invoke('register', { firstname: 'Fuzz', phone: p, email: '', captchaToken: await token(p), password });
    const session = data['sessionInfo'] as { accessToken: string; refreshToken: string };
    ctx.users.push({
      phone: p,
      password,
      userId: String(data['userId']),
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
    });
    ctx.resetTokens.push({ phone: p, token: await token(p, '3') });
  }
  return ctx;
}
