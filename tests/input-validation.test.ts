// Every bad input gets the API's envelope, a 4xx and a message naming the field; none a 5xx.
import { call, randomPhone, registration, service, type Answer, type EventOptions, type Service } from './helpers';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const JSON_HEADERS = { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' };

function expectParameterError(answer: Answer, field: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.code).toBe(13000102);
  expect(answer.body.msg).toContain(field);
  expect(answer.body.data).toBeUndefined();
}

function expectNoInternals(answer: Answer) {
  expect(answer.status).toBeLessThan(500);
  expect(answer.raw).not.toMatch(/at \w+ \(|\.ts:|node_modules|Exception|TypeError|ZodError|stack/);
}

const validRegistration = () => registration(randomPhone(), 'a'.repeat(48));

describe('headers', () => {
  it.each([
    ['missing', { 'Content-Type': 'application/json' }],
    ['empty', { 'x-hw-agentName': '', 'Content-Type': 'application/json' }],
    ['blank', { 'x-hw-agentName': '   ', 'Content-Type': 'application/json' }],
    ['too long', { 'x-hw-agentName': 'a'.repeat(65), 'Content-Type': 'application/json' }],
    ['control characters', { 'x-hw-agentName': 'app\u0007', 'Content-Type': 'application/json' }],
  ])('x-hw-agentName %s is a parameter error', async (_why, headers) => {
    const answer = await call(svc.register, { body: validRegistration(), headers });
    expectParameterError(answer, 'x-hw-agentName');
  });

  it.each(['APPLICATION/JSON', 'Application/Json; charset=utf-8', 'application/json;', 'application/json ; charset=utf-8'])(
    'reads media type %j as JSON',
    async (type) => {
      const answer = await call(svc.sendCode, {
        body: { phone: randomPhone(), codeType: '1' },
        headers: { 'x-hw-agentName': 'a', 'Content-Type': type },
      });
      expect(answer.status).toBe(200);
    },
  );

  it('reads header names case-insensitively', async () => {
    const answer = await call(svc.sendCode, {
      body: { phone: randomPhone(), codeType: '1' },
      headers: { 'X-HW-AGENTNAME': 'app', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(answer.status).toBe(200);
  });

  it('echoes a valid X-Traceid and generates one when absent', async () => {
    const echoed = await call(svc.register, { body: {}, headers: { ...JSON_HEADERS, 'X-Traceid': 'trace_123-abc' } });
    expect(echoed.headers['X-Traceid']).toBe('trace_123-abc');
    const generated = await call(svc.register, { body: {} });
    expect(generated.headers['X-Traceid']).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it.each(['has spaces', 'a'.repeat(65), 'semi;colon', ''])('refuses X-Traceid %j', async (traceId) => {
    const answer = await call(svc.register, { body: validRegistration(), headers: { ...JSON_HEADERS, 'X-Traceid': traceId } });
    expectParameterError(answer, 'X-Traceid');
    expect(answer.headers['X-Traceid']).not.toBe(traceId);
  });
});

describe('body', () => {
  it('malformed JSON is a parameter error', async () => {
    const answer = await call(svc.register, { rawBody: '{"firstname": "Ann",' });
    expectParameterError(answer, 'body');
  });

  it.each(['[]', 'null', '"text"', '42'])('a JSON %s instead of an object is a parameter error', async (rawBody) => {
    expectParameterError(await call(svc.register, { rawBody }), 'body');
  });

  it('an empty body is a parameter error', async () => {
    expectParameterError(await call(svc.register, { rawBody: '' }), 'body');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['']])('content type %j is 415', async (type) => {
    const answer = await call(svc.register, {
      body: validRegistration(),
      headers: { 'x-hw-agentName': 'a', 'Content-Type': type },
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual({ code: 13000104, msg: 'Unsupported media type.' });
  });

  it('a body over 16 KiB is 413, one just under is read', async () => {
    const base = JSON.stringify({ ...validRegistration(), pad: '' }).length;
    const over = await call(svc.register, { body: { ...validRegistration(), pad: 'x'.repeat(16 * 1024 - base + 1) } });
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ code: 13000103, msg: 'Request body too large.' });
    const under = await call(svc.register, { body: { ...validRegistration(), pad: 'x'.repeat(16 * 1024 - base - 10) } });
    expect(under.status).not.toBe(413);
  });
});

describe('register fields', () => {
  it.each([
    ['firstname', { firstname: undefined }],
    ['firstname', { firstname: '   ' }],
    ['firstname', { firstname: 'a'.repeat(65) }],
    ['firstname', { firstname: 'Ann\u0000' }],
    ['firstname', { firstname: 'Ann\ud800' }],
    ['firstname', { firstname: 42 }],
    ['surname', { surname: 'b'.repeat(65) }],
    ['surname', { surname: ['Lee'] }],
    ['phone', { phone: undefined }],
    ['phone', { phone: '27188460901' }],
    ['phone', { phone: 27188460901 }],
    ['phone', { phone: '+271' }],
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@x.io` }],
    ['email', { email: null }],
    ['captchaToken', { captchaToken: undefined }],
    ['captchaToken', { captchaToken: '' }],
    ['captchaToken', { captchaToken: { $ne: '' } }],
    ['password', { password: undefined }],
    ['password', { password: 12345678 }],
  ])('%s: %j is a parameter error naming it', async (field, change) => {
    const answer = await call(svc.register, { body: { ...validRegistration(), ...change } });
    expectParameterError(answer, field);
    expectNoInternals(answer);
  });

  it('ignores unknown fields, including prototype keys', async () => {
    const answer = await call(svc.register, {
      rawBody: JSON.stringify({ ...validRegistration(), extra: 1 }).replace('{', '{"__proto__":{"polluted":1},'),
    });
    expect(answer.body.code).toBe(13001002); // got as far as the (made-up) token
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('code endpoints', () => {
  const cases: Array<[string, 'sendCode' | 'validateCode', Record<string, unknown>, string]> = [
    ['bad codeType', 'sendCode', { phone: randomPhone(), codeType: '5' }, 'codeType'],
    ['numeric codeType', 'sendCode', { phone: randomPhone(), codeType: 1 }, 'codeType'],
    ['bad phone', 'sendCode', { phone: 'call me', codeType: '1' }, 'phone'],
    ['short code', 'validateCode', { requestId: 'a'.repeat(32), code: '4719', codeType: '1' }, 'code'],
    ['numeric code', 'validateCode', { requestId: 'a'.repeat(32), code: 471900, codeType: '1' }, 'code'],
    ['bad requestId', 'validateCode', { requestId: 'abc', code: '471900', codeType: '1' }, 'requestId'],
    ['snowflake requestId', 'validateCode', { requestId: '1893595880502717056', code: '471900', codeType: '1' }, 'requestId'],
    ['upper-case requestId', 'validateCode', { requestId: 'A'.repeat(32), code: '471900', codeType: '1' }, 'requestId'],
  ];
  it.each(cases)('%s is a parameter error', async (_why, endpoint, body, field) => {
    expectParameterError(await call(svc[endpoint], { body }), field);
  });
});

describe('hostile odds and ends never reach a 5xx', () => {
  const bodies: EventOptions[] = [
    { rawBody: '\u0000\u0001\u0002' },
    { rawBody: '{"a":' + '['.repeat(5000) },
    { rawBody: JSON.stringify({ phone: '\ud800', codeType: '1' }) },
    { body: { phone: '+２７１８８４６０９０１', codeType: '1' } },
    { body: { constructor: { prototype: { x: 1 } }, phone: 1 } },
  ];
  it.each(bodies)('%#', async (options) => {
    for (const endpoint of [svc.register, svc.sendCode, svc.validateCode]) {
      const answer = await call(endpoint, options);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expectNoInternals(answer);
      expect(typeof answer.body.code).toBe('number');
    }
  });
});
