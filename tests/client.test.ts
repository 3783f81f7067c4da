// The typed client (client/): every method and every kind of failure, against the handlers in this
// process and against serverless-offline over HTTP, the same cases on both.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  createClient,
  ErrorCode,
  KooDriveError,
  KooDriveTransportError,
  Session,
  type ClientOptions,
  type KooDriveClient,
  type SessionState,
} from '../client';
import { freePort } from '../scripts/lib/dynamodb-local';
import { startOfflineApi } from '../scripts/lib/serverless-cli';
import { inProcessFetch } from './kit/in-process-fetch';
import { captchaToken, clientFor, codeFromOutbox, leakWatched, randomPhone, registration, service } from './helpers';

interface Transport {
  baseUrl: string;
  /** A client on this transport; `options` override the defaults. */
  client(options?: Partial<ClientOptions>): KooDriveClient;
  stop(): Promise<void>;
}

const transports: Array<[string, () => Promise<Transport>]> = [
  [
    'in-process',
    async () => {
      const svc = await service();
      const baseUrl = 'http://in-process';
      return { baseUrl, client: (options) => clientFor(svc, { baseUrl, ...options }), stop: () => Promise.resolve() };
    },
  ],
  [
    'over HTTP (serverless-offline)',
    async () => {
      const api = await startOfflineApi();
      const fetchOverHttp = leakWatched((input, init) => fetch(input, init));
      return {
        baseUrl: api.baseUrl,
        client: (options) => createClient({ baseUrl: api.baseUrl, agentName: 'client-test', fetch: fetchOverHttp, ...options }),
        stop: () => api.stop(),
      };
    },
  ],
];

/** A new user, registered through `client` with a token minted in-process (no send limits). */
async function signUp(client: KooDriveClient) {
  const phone = randomPhone();
  return client.register(registration(phone, await captchaToken(phone)));
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe.each(transports)('the client %s', (_, start) => {
  let transport: Transport;
  let client: KooDriveClient;
  beforeAll(async () => {
    transport = await start();
    client = transport.client();
  }, 120_000);
  afterAll(async () => {
    // Unset when beforeAll failed; the failure should be what the run reports.
    await (transport as Transport | undefined)?.stop();
  });

  it('sends and validates a code, registers, logs in both ways, refreshes and logs out', async () => {
    const phone = randomPhone();
    const sent = await client.sendCode({ phone: `+${phone.slice(2)}`, codeType: '1' });
    expect(sent).toEqual({ requestId: expect.stringMatching(/^[0-9a-f]{32}$/), expireAt: expect.any(String), resendAfter: 60 });
    const validated = await client.validateCode({ requestId: sent.requestId, code: codeFromOutbox(sent.requestId), codeType: '1' });
    expect(validated).toEqual({ verified: true, token: expect.any(String), expireAt: expect.any(String) });

    const registered = await client.register(registration(phone, validated.token));
    expect(registered).toMatchObject({ userId: expect.stringMatching(/^[0-9]{19}$/), phone });
    const { userId } = registered;

    const byPassword = await client.login({ account: phone, authType: '1', password: '01ASDAa1' });
    expect(byPassword.userInfo).toEqual({ userId, firstname: 'Ann', surname: 'Lee', phone, email: '' });
    const byCode = await client.login({ account: phone, authType: '2', captchaToken: await captchaToken(phone, '2') });
    expect(byCode.userInfo.userId).toBe(userId);

    const { sessionInfo } = await client.refreshToken(byCode.sessionInfo);
    expect(sessionInfo.refreshToken).not.toBe(byCode.sessionInfo.refreshToken);
    await expect(client.logout({ userId, accessToken: sessionInfo.accessToken })).resolves.toBeUndefined();

    const refused = await failure(client.refreshToken(sessionInfo));
    expect(refused).toBeInstanceOf(KooDriveError);
    expect(refused).toMatchObject({ endpoint: 'refreshToken', status: 401, code: 13001009, kind: 'invalidRefreshToken' });
    // The password session is another session: still alive.
    await expect(client.refreshToken(byPassword.sessionInfo)).resolves.toMatchObject({ sessionInfo: expect.any(Object) });
  });

  it('resets a forgotten password and deletes the account, each ending every session', async () => {
    const phone = randomPhone();
    const { userId, sessionInfo } = await client.register(registration(phone, await captchaToken(phone)));
    const token = await captchaToken(phone, '3');
    await expect(client.passwordReset({ phoneNumber: phone, captchaToken: token, newPwd: 'N3w-Passw0rd' })).resolves.toBeUndefined();
    expect(await failure(client.refreshToken(sessionInfo))).toMatchObject({ kind: 'invalidRefreshToken', code: 13001009 });

    const { sessionInfo: fresh } = await client.login({ account: phone, authType: '1', password: 'N3w-Passw0rd' });
    expect(await failure(client.userDelete({ userId: '1', accessToken: fresh.accessToken }))).toMatchObject({
      kind: 'accessDenied',
      status: 403,
      code: 13001011,
    });
    await expect(client.userDelete({ userId, accessToken: fresh.accessToken })).resolves.toBeUndefined();
    expect(await failure(client.userDelete({ userId, accessToken: fresh.accessToken }))).toMatchObject({
      kind: 'invalidAccessToken',
      status: 401,
    });
    expect(await failure(client.login({ account: phone, authType: '1', password: 'N3w-Passw0rd' }))).toMatchObject({
      kind: 'badCredentials',
    });
  });

  it('gets the JWK Set that verifies its access tokens', async () => {
    const { userId, sessionInfo } = await signUp(client);
    const keys = await client.jwks();
    expect(keys.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', kid: expect.any(String) });
    expect(keys.keys[0]).not.toHaveProperty('d');
    const { payload } = await jwtVerify(sessionInfo.accessToken.slice('AT '.length), createLocalJWKSet(keys), {
      issuer: 'koodrive-signup',
    });
    expect(payload.sub).toBe(userId);
  });

  it("reads and updates the caller's profile, naming the caller by userId, by phone (in the query string) or not at all", async () => {
    const { userId, phone, sessionInfo } = await signUp(client);
    const { accessToken } = sessionInfo;
    const profile = { userId, firstname: 'Ann', surname: 'Lee', phone, email: '' };
    await expect(client.userInfo({ accessToken })).resolves.toEqual(profile);
    await expect(client.userInfo({ accessToken, userId })).resolves.toEqual(profile);
    // A `+` must reach the service as a plus, not a space: the query string is encoded.
    await expect(client.userInfo({ accessToken, phone: `+${phone.slice(2)}` })).resolves.toEqual(profile);

    await expect(client.updateUserInfo({ accessToken, userId, firstname: 'Anna', email: 'Anna@Example.com' })).resolves.toBeUndefined();
    await expect(client.userInfo({ accessToken, phone })).resolves.toEqual({ ...profile, firstname: 'Anna', email: 'anna@example.com' });
  });

  // Each API error an app branches on, as the KooDriveError it gets: kind, code and status from
  // docs/API.md §5, the msg, and what comes with it.
  it.each<[string, (client: KooDriveClient) => Promise<unknown>, Record<string, unknown>]>([
    [
      'a field the service refuses: parameter, its msg naming the field',
      (c) => c.sendCode({ phone: '12', codeType: '1' }),
      { kind: 'parameter', code: 13000102, status: 400, message: expect.stringContaining('phone'), retryAfter: undefined },
    ],
    [
      'a wrong code: wrongCode with the fail count',
      async (c) => {
        const { requestId } = await c.sendCode({ phone: randomPhone(), codeType: '1' });
        const wrong = String((Number(codeFromOutbox(requestId)) + 1) % 1_000_000).padStart(6, '0');
        return c.validateCode({ requestId, code: wrong, codeType: '1' });
      },
      { kind: 'wrongCode', code: 13001005, status: 400, failCount: 1, data: { verified: false, failCount: '1' } },
    ],
    [
      'a second code within the cooldown: tooManyAttempts with Retry-After',
      async (c) => {
        const phone = randomPhone();
        await c.sendCode({ phone, codeType: '1' });
        return c.sendCode({ phone, codeType: '1' });
      },
      { kind: 'tooManyAttempts', code: 13001006, status: 429, retryAfter: expect.any(Number) },
    ],
    [
      'a captcha token of another phone: tokenInvalid',
      async (c) => c.register(registration(randomPhone(), await captchaToken(randomPhone()))),
      { kind: 'tokenInvalid', code: 13001002, status: 400, data: undefined },
    ],
    [
      'a weak password: weakPassword, its msg naming the rule',
      async (c) => {
        const phone = randomPhone();
        return c.register(registration(phone, await captchaToken(phone), { password: '12345678' }));
      },
      { kind: 'weakPassword', code: 13001004, status: 400, message: expect.not.stringMatching(/^Password does not meet the policy\.$/) },
    ],
    [
      'a phone already registered: phoneTaken',
      async (c) => {
        const { phone } = await signUp(c);
        return c.register(registration(phone, await captchaToken(phone)));
      },
      { kind: 'phoneTaken', code: 13001001, status: 409, message: 'The phone number is already registered.' },
    ],
    [
      'a wrong password: badCredentials',
      async (c) => c.login({ account: (await signUp(c)).phone, authType: '1', password: 'not-the-password' }),
      { kind: 'badCredentials', code: 13001008, status: 401 },
    ],
    [
      'a forged access token: invalidAccessToken',
      async (c) => {
        const { userId, sessionInfo } = await signUp(c);
        const forged = `${sessionInfo.accessToken.slice(0, -4)}AAAA`;
        return c.logout({ userId, accessToken: forged });
      },
      { kind: 'invalidAccessToken', code: 13001010, status: 401 },
    ],
    [
      "another user's profile: accessDenied",
      async (c) => {
        const [caller, other] = await Promise.all([signUp(c), signUp(c)]);
        return c.userInfo({ accessToken: caller.sessionInfo.accessToken, userId: other.userId });
      },
      { kind: 'accessDenied', code: 13001011, status: 403, message: 'Access denied.' },
    ],
  ])('throws for %s', async (_, act, expected) => {
    const error = await failure(act(client));
    expect(error).toBeInstanceOf(KooDriveError);
    expect(error).toMatchObject(expected);
    const { kind, code } = error as KooDriveError;
    expect(code).toBe(ErrorCode[kind!]);
    expect((error as KooDriveError).traceId).toEqual(expect.any(String));
  });

  it('sends the trace id it is given, per client or per call, and errors carry it', async () => {
    let n = 0;
    const traced = transport.client({ traceId: () => `client-trace-${++n}` });
    expect(await failure(traced.sendCode({ phone: 'x', codeType: '1' }))).toMatchObject({ traceId: 'client-trace-1' });
    expect(await failure(traced.sendCode({ phone: 'x', codeType: '1' }, { traceId: 'call-trace' }))).toMatchObject({
      traceId: 'call-trace',
    });
    // One the service refuses is answered as a parameter error under a trace id of the service's.
    const refused = await failure(traced.sendCode({ phone: randomPhone(), codeType: '1' }, { traceId: 'not a trace id' }));
    expect(refused).toMatchObject({ kind: 'parameter', message: expect.stringContaining('X-Traceid') });
    expect((refused as KooDriveError).traceId).not.toBe('not a trace id');
  });

  it("lets the caller's abort through as fetch reports it", async () => {
    const error = await failure(client.sendCode({ phone: randomPhone(), codeType: '1' }, { signal: AbortSignal.abort() }));
    expect(error).not.toBeInstanceOf(KooDriveTransportError);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('reports an answer that is not the API envelope (a path the service does not serve) as a transport error', async () => {
    const elsewhere = transport.client({ baseUrl: `${transport.baseUrl}/no-such-prefix` });
    const error = await failure(elsewhere.sendCode({ phone: randomPhone(), codeType: '1' }));
    expect(error).toBeInstanceOf(KooDriveTransportError);
    expect(error).toMatchObject({ endpoint: 'sendCode', reason: 'invalid-response', status: 404 });
  });
});

describe('the client without an API answer', () => {
  it('reports no answer at all (nothing listens) as a network transport error', async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, agentName: 'client-test', traceId: 'offline-1' });
    const error = await failure(client.jwks());
    expect(error).toBeInstanceOf(KooDriveTransportError);
    expect(error).toMatchObject({ endpoint: 'jwks', reason: 'network', status: undefined, traceId: 'offline-1' });
    expect((error as Error).cause).toBeDefined(); // what fetch threw
  });

  it('reports a page that is not JSON (a proxy in the way) as an invalid response', async () => {
    const proxy: typeof fetch = () =>
      Promise.resolve(new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = await failure(
      createClient({ baseUrl: 'https://api.example', agentName: 'client-test', fetch: proxy }).login({
        account: randomPhone(),
        authType: '1',
        password: 'x',
      }),
    );
    expect(error).toBeInstanceOf(KooDriveTransportError);
    expect(error).not.toBeInstanceOf(KooDriveError);
    expect(error).toMatchObject({ endpoint: 'login', reason: 'invalid-response', status: 502 });
  });

  it('surfaces storage trouble as serviceBusy with Retry-After, which an app may retry', async () => {
    const svc = await service({ env: { DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}` } });
    const error = await failure(clientFor(svc).sendCode({ phone: randomPhone(), codeType: '1' }));
    expect(error).toMatchObject({ kind: 'serviceBusy', code: 13000500, status: 503, retryAfter: expect.any(Number) });
    expect((error as KooDriveError).retryAfter).toBeGreaterThan(0);
  });
});

describe('Session', () => {
  /** A client on the handlers that counts the refresh requests it sends. */
  async function countingClient() {
    const svc = await service();
    const counted = { refreshes: 0 };
    const handlers = inProcessFetch(svc);
    const client = clientFor(svc, {
      fetch: leakWatched(async (input, init) => {
        if (new Request(input).url.endsWith('/refreshToken')) counted.refreshes++;
        return handlers(input, init);
      }),
    });
    return { client, counted };
  }

  it('refreshes once for concurrent callers, reports each new state, and forgets its tokens on logout', async () => {
    const { client, counted } = await countingClient();
    const { userId, sessionInfo } = await signUp(client);
    const changes: Array<SessionState | undefined> = [];
    const session = new Session(client, { userId, sessionInfo }, { onChange: (state) => changes.push(state) });
    expect(session.expiresAt).toBe(Number(sessionInfo.issuedAt) + 1800_000);

    const [a, b] = await Promise.all([session.refresh(), session.refresh()]);
    expect(counted.refreshes).toBe(1);
    expect(a).toBe(b);
    expect(a.sessionInfo.refreshToken).not.toBe(sessionInfo.refreshToken);
    expect(changes).toEqual([a]);
    await session.refresh();
    expect(counted.refreshes).toBe(2);

    await session.logout();
    expect(session.state).toBeUndefined();
    expect(changes).toHaveLength(3);
    expect(changes[2]).toBeUndefined();
    await expect(session.refresh()).rejects.toThrow('The session has ended');
  });

  it('forgets its tokens once the account is deleted, and keeps them when the deletion was refused', async () => {
    const { client } = await countingClient();
    const { userId, sessionInfo } = await signUp(client);
    const changes: Array<SessionState | undefined> = [];
    const session = new Session(client, { userId, sessionInfo }, { onChange: (state) => changes.push(state) });
    const elsewhere = new Session(
      createClient({ baseUrl: 'http://nowhere.invalid', agentName: 'x', fetch: () => Promise.reject(new Error('offline')) }),
      {
        userId,
        sessionInfo,
      },
    );
    expect(await failure(elsewhere.deleteAccount())).toBeInstanceOf(KooDriveTransportError);
    expect(elsewhere.state).toBeDefined(); // no answer: the deletion may not have happened

    await session.deleteAccount();
    expect(session.state).toBeUndefined();
    expect(changes).toEqual([undefined]);
    await expect(session.refresh()).rejects.toThrow('The session has ended');
  });

  it('forgets its tokens once a password reset went through, and keeps them when it was refused', async () => {
    const { client } = await countingClient();
    const phone = randomPhone();
    const { userId, sessionInfo } = await client.register(registration(phone, await captchaToken(phone)));
    const session = new Session(client, { userId, sessionInfo });
    const token = await captchaToken(phone, '3');
    expect(await failure(session.resetPassword({ phoneNumber: phone, captchaToken: token, newPwd: 'password' }))).toMatchObject({
      kind: 'weakPassword',
    });
    expect(session.state).toBeDefined();
    await session.resetPassword({ phoneNumber: phone, captchaToken: token, newPwd: 'N3w-Passw0rd' });
    expect(session.state).toBeUndefined();
    expect(await failure(client.refreshToken(sessionInfo))).toMatchObject({ kind: 'invalidRefreshToken' });
  });

  it('ends when the service refuses its refresh token', async () => {
    const { client } = await countingClient();
    const { userId, sessionInfo } = await signUp(client);
    await client.logout({ userId, accessToken: sessionInfo.accessToken }); // e.g. from another device
    const changes: Array<SessionState | undefined> = [];
    const session = new Session(client, { userId, sessionInfo }, { onChange: (state) => changes.push(state) });
    expect(await failure(session.refresh())).toMatchObject({ kind: 'invalidRefreshToken' });
    expect(session.state).toBeUndefined();
    expect(changes).toEqual([undefined]);
  });
});

it('records the secrets of client calls for the leak scan at the end of the run', async () => {
  const phone = randomPhone();
  const token = await captchaToken(phone);
  const recorded = readFileSync(join(String(process.env['TEST_SCRATCH_DIR']), 'secrets.txt'), 'utf8');
  expect(recorded).toContain(JSON.stringify(token));
});

it('bundles for a browser without zod, the AWS SDK or Node built-ins', async () => {
  const root = resolve(__dirname, '..');
  const { outputFiles, metafile } = await build({
    absWorkingDir: root,
    entryPoints: ['client/index.ts'],
    bundle: true,
    platform: 'browser', // a node: import fails the build
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // Besides its own files, only the error catalogue and the route table: no package at all.
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.filter((path) => !/^client\//.test(path)).sort()).toEqual(['infra/routes.cjs', 'infra/routes.json', 'lib/errors.ts']);
  const code = outputFiles[0]!.text;
  expect(code).not.toMatch(/zod|@aws-sdk|node:|\brequire\(/);
  expect(code).not.toContain('ApiError'); // the server's error classes are shaken out, the catalogue stays
  // About 6.5 KiB minified, 2.6 KiB gzipped when written; the bound catches a dependency creeping in.
  expect(code.length).toBeLessThan(10 * 1024);
  expect(gzipSync(code).length).toBeLessThan(4 * 1024);
});
