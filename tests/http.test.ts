// The sign-up over real HTTP: serverless-offline in front of the esbuild bundles, as `npm start` runs it.
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { freePort } from '../scripts/dynamodb-local';
import { codeFromOutbox, randomPhone, registration } from './helpers';
import { startServerless, type RunningCli } from '../scripts/serverless-cli';

const STARTUP_TIMEOUT_MS = 90_000;

let offline: RunningCli | undefined;
let baseUrl: string;

beforeAll(async () => {
  const port = await freePort();
  let lambdaPort = await freePort();
  while (lambdaPort === port) lambdaPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  offline = startServerless(['offline', 'start', '--stage', 'local'], { PORT: String(port), OFFLINE_LAMBDA_PORT: String(lambdaPort) });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (!offline.alive()) throw new Error(`serverless offline exited at start:\n${offline.output()}`);
    try {
      await fetch(baseUrl); // any answer, even 404, means the server listens
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`serverless offline did not answer on ${baseUrl}:\n${offline.output()}`);
      await sleep(250);
    }
  }
}, 120_000);

afterAll(async () => {
  await offline?.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  body: { code: number; msg: string; data?: Record<string, any> };
  raw: string;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-hw-agentName': 'http-test', 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(raw), raw };
}

const SEND = '/koodrive/ose/verify/code/send';
const VALIDATE = '/koodrive/ose/verify/code/validate';
const REGISTER = '/koodrive/ose/v1/user/register';

describe('sign-up over HTTP (serverless-offline)', () => {
  it('sends, validates and registers', async () => {
    const phone = randomPhone();
    const sent = await post(SEND, { phone, codeType: '1' }, { 'X-Traceid': 'abc-123' });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('x-traceid')).toBe('abc-123');
    expect(sent.headers.get('cache-control')).toBe('no-store');
    expect(sent.body).toMatchObject({ code: 0, msg: 'Success.' });
    expect(sent.body.data).toEqual({ requestId: expect.stringMatching(/^[0-9]{19}$/), expireAt: expect.any(String), resendAfter: expect.any(Number) });

    const requestId: string = sent.body.data!['requestId'];
    const validated = await post(VALIDATE, { requestId, code: codeFromOutbox(requestId), codeType: '1' });
    expect(validated.status).toBe(200);
    expect(validated.headers.get('x-traceid')).toBeTruthy();
    expect(validated.headers.get('cache-control')).toBe('no-store');
    expect(validated.body.data).toMatchObject({ verified: true, token: expect.any(String), expireAt: expect.any(String) });

    // The bundle's common-password list (compressed at build time) still refuses the common ones.
    const common = await post(REGISTER, registration(phone, validated.body.data!['token'], { password: 'iloveyou' }));
    expect(common.status).toBe(400);
    expect(common.body).toEqual({ code: 13001004, msg: 'Password is too common.' });
    const registered = await post(REGISTER, registration(phone, validated.body.data!['token']));
    expect(registered.status).toBe(200);
    expect(registered.headers.get('cache-control')).toBe('no-store');
    expect(registered.headers.get('x-traceid')).toBeTruthy();
    expect(registered.body).toMatchObject({ code: 0, msg: 'Success.' });
    expect(registered.body.data).toEqual({
      userId: expect.stringMatching(/^[0-9]{19}$/),
      phone,
      sessionInfo: {
        accessToken: expect.stringMatching(/^AT [\w-]+\.[\w-]+\.[\w-]+$/),
        expiresIn: 1800,
        issuedAt: expect.stringMatching(/^[0-9]{13}$/),
        refreshToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      },
    });
  });

  it.each([
    ['a body over 16 KiB', { phone: randomPhone(), codeType: '1', pad: 'x'.repeat(16 * 1024) }, {}, 413, 13000103],
    ['a non-JSON media type', 'phone=0027188460901', { 'Content-Type': 'text/plain' }, 415, 13000104],
    ['malformed JSON', '{"phone": "0027188', {}, 400, 13000102],
  ] as const)('refuses %s', async (_, body, headers, status, code) => {
    const reply = await post(SEND, body, headers);
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ code, msg: expect.any(String) });
    expect(reply.headers.get('x-traceid')).toBeTruthy();
    expectNoInternals(reply.raw);
  });

  it('refuses a request without x-hw-agentName', async () => {
    const response = await fetch(`${baseUrl}${SEND}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: randomPhone(), codeType: '1' }),
    });
    const raw = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(raw)).toEqual({ code: 13000102, msg: expect.stringContaining('x-hw-agentName') });
    expectNoInternals(raw);
  });
});

/** SPEC §0: no stack trace, exception name or internal detail reaches a client. */
function expectNoInternals(raw: string): void {
  expect(raw).not.toMatch(/stack/i);
  expect(raw).not.toMatch(/\b\w*(Error|Exception)\b/);
  expect(raw).not.toMatch(/\/[\w.-]+\/[\w./-]+|\.[cm]?[jt]s\b|node_modules/);
}

describe('sessions over HTTP (serverless-offline)', () => {
  it('login → refresh → logout, with the token checked against the published JWKS alone', async () => {
    const phone = randomPhone();
    const sent = await post(SEND, { phone, codeType: '1' });
    const requestId: string = sent.body.data!['requestId'];
    const validated = await post(VALIDATE, { requestId, code: codeFromOutbox(requestId), codeType: '1' });
    const registered = await post(REGISTER, registration(phone, validated.body.data!['token']));
    const userId: string = registered.body.data!['userId'];

    const login = await post('/koodrive/ose/v1/auth/login', { account: phone, authType: '1', password: '01ASDAa1' });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.body.data!['sessionInfo'];

    const keys = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(accessToken.replace(/^AT /, ''), keys, { issuer: 'koodrive-signup', audience: 'koodrive' });
    expect(payload.sub).toBe(userId);

    const refreshed = await post('/koodrive/ose/v1/auth/refreshToken', { refreshToken }, { Authorization: accessToken });
    expect(refreshed.status).toBe(200);
    const next = refreshed.body.data!['sessionInfo'];

    const logout = await post('/koodrive/ose/v1/auth/logout', { userId, accessToken: next.accessToken }, { Authorization: next.accessToken });
    expect(logout.status).toBe(200);
    expect(logout.body).toEqual({ code: 0, msg: 'Success.' });

    const after = await post('/koodrive/ose/v1/auth/refreshToken', { refreshToken: next.refreshToken }, { Authorization: next.accessToken });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe(13001009);
    // The ended session's access token is refused, in the SPEC envelope.
    const again = await post('/koodrive/ose/v1/auth/logout', { userId, accessToken: next.accessToken }, { Authorization: next.accessToken });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ code: 13001010, msg: 'Invalid access token.' });
  });
});
