// The sign-up over real HTTP: serverless-offline in front of the esbuild bundles, as `npm start`
// runs it, driven by the typed client; requests no client would send go raw.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createClient, KooDriveError, type KooDriveClient } from '../client';
import { routes } from '../infra/routes.cjs';
import { startOfflineApi, type OfflineApi } from '../scripts/lib/serverless-cli';
import { codeFromOutbox, leakWatched, randomPhone, registration } from './helpers';

let api: OfflineApi | undefined;
let client: KooDriveClient;
/** Every answer the client got, to look at headers it does not surface. */
const answers: Response[] = [];
const lastAnswer = (): Response => answers[answers.length - 1]!;

beforeAll(async () => {
  api = await startOfflineApi();
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    answers.push(response);
    return response;
  };
  client = createClient({ baseUrl: api.baseUrl, agentName: 'http-test', fetch: leakWatched(recording) });
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

/** docs/API.md §0: no stack trace, exception name or internal detail reaches a client. */
function expectNoInternals(raw: string): void {
  expect(raw).not.toMatch(/stack/i);
  expect(raw).not.toMatch(/\b\w*(Error|Exception)\b/);
  expect(raw).not.toMatch(/\/[\w.-]+\/[\w./-]+|\.[cm]?[jt]s\b|node_modules/);
}

describe('sign-up over HTTP (serverless-offline)', () => {
  it('sends, validates and registers', async () => {
    const phone = randomPhone();
    const sent = await client.sendCode({ phone, codeType: '1' }, { traceId: 'abc-123' });
    expect(lastAnswer().headers.get('x-traceid')).toBe('abc-123');
    expect(lastAnswer().headers.get('cache-control')).toBe('no-store');
    expect(sent).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
      expireAt: expect.any(String),
      resendAfter: expect.any(Number),
    });

    const validated = await client.validateCode({ requestId: sent.requestId, code: codeFromOutbox(sent.requestId), codeType: '1' });
    expect(lastAnswer().headers.get('x-traceid')).toBeTruthy();
    expect(lastAnswer().headers.get('cache-control')).toBe('no-store');
    expect(validated).toMatchObject({ verified: true, token: expect.any(String), expireAt: expect.any(String) });

    // The bundle's common-password list (compressed at build time) still refuses the common ones.
    const common = await client.register(registration(phone, validated.token, { password: 'iloveyou' })).catch((e: unknown) => e);
    expect(common).toBeInstanceOf(KooDriveError);
    expect(common).toMatchObject({ status: 400, code: 13001004, message: 'Password is too common.', data: undefined });
    const registered = await client.register(registration(phone, validated.token));
    expect(lastAnswer().headers.get('cache-control')).toBe('no-store');
    expect(lastAnswer().headers.get('x-traceid')).toBeTruthy();
    expect(registered).toEqual({
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

  /** What no client sends: raw bodies and headers. */
  async function post(body: string, headers: Record<string, string>) {
    const response = await fetch(`${api!.baseUrl}${routes.sendCode.path}`, { method: 'POST', headers, body });
    return { status: response.status, headers: response.headers, raw: await response.text() };
  }
  const json = { 'x-hw-agentName': 'http-test', 'Content-Type': 'application/json' };

  it.each([
    ['a body over 16 KiB', JSON.stringify({ phone: randomPhone(), codeType: '1', pad: 'x'.repeat(16 * 1024) }), json, 413, 13000103],
    ['a non-JSON media type', 'phone=0027188460901', { ...json, 'Content-Type': 'text/plain' }, 415, 13000104],
    ['malformed JSON', '{"phone": "0027188', json, 400, 13000102],
  ] as const)('refuses %s', async (_, body, headers, status, code) => {
    const reply = await post(body, headers);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.raw)).toEqual({ code, msg: expect.any(String) });
    expect(reply.headers.get('x-traceid')).toBeTruthy();
    expectNoInternals(reply.raw);
  });

  it('refuses a request without x-hw-agentName, naming the header as the API spells it', async () => {
    const reply = await post(JSON.stringify({ phone: randomPhone(), codeType: '1' }), { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.raw)).toEqual({ code: 13000102, msg: expect.stringContaining('x-hw-agentName') });
    expectNoInternals(reply.raw);
  });
});

describe('sessions over HTTP (serverless-offline)', () => {
  it('login → refresh → logout, with the token checked against the published JWKS alone', async () => {
    const phone = randomPhone();
    const sent = await client.sendCode({ phone, codeType: '1' });
    const { token } = await client.validateCode({ requestId: sent.requestId, code: codeFromOutbox(sent.requestId), codeType: '1' });
    const { userId } = await client.register(registration(phone, token));

    const login = await client.login({ account: phone, authType: '1', password: '01ASDAa1' });
    const { accessToken, refreshToken } = login.sessionInfo;

    const keys = createRemoteJWKSet(new URL(`${api!.baseUrl}${routes.jwks.path}`));
    const { payload } = await jwtVerify(accessToken.replace(/^AT /, ''), keys, { issuer: 'koodrive-signup', audience: 'koodrive' });
    expect(payload.sub).toBe(userId);

    const { sessionInfo: next } = await client.refreshToken({ accessToken, refreshToken });
    await expect(client.logout({ userId, accessToken: next.accessToken })).resolves.toBeUndefined();

    await expect(client.refreshToken({ accessToken: next.accessToken, refreshToken: next.refreshToken })).rejects.toMatchObject({
      status: 401,
      code: 13001009,
    });
    // The ended session's access token is refused, in the API's envelope.
    await expect(client.logout({ userId, accessToken: next.accessToken })).rejects.toMatchObject({
      status: 401,
      code: 13001010,
      message: 'Invalid access token.',
    });
  });
});
