// docs/API.md §3: login, refresh with rotation and reuse detection, logout that verifiers see.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import {
  call,
  captchaToken,
  configWith,
  randomPhone,
  registeredUser,
  service,
  unsentCaptchaToken,
  type Service,
  type SessionInfo,
} from './helpers';

const db = createDocumentClient(configWith());

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const loginWithPassword = (s: Service, account: string, password: string, sourceIp?: string) =>
  call(s.login, { body: { account, authType: '1', password }, headers: agent, ...(sourceIp ? { sourceIp } : {}) });
const refresh = (s: Service, session: Pick<SessionInfo, 'accessToken' | 'refreshToken'>) =>
  call(s.refreshToken, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
const logout = (s: Service, userId: string, accessToken: string) =>
  call(s.logout, { body: { userId, accessToken }, headers: withAuth(accessToken) });
const authorize = (s: Service, authorization: string) =>
  s.authorizer({ headers: { authorization } } as never) as Promise<{ isAuthorized: boolean; context?: { userId: string } }>;

describe('login', () => {
  it('with phone and password, in any spelling of the phone', async () => {
    const user = await registeredUser(svc);
    const answer = await loginWithPassword(svc, `+${user.phone.slice(2)}`, user.password);
    expect(answer.status).toBe(200);
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(answer.body.data?.['userInfo']).toEqual({ userId: user.userId, firstname: 'Ann', surname: 'Lee', phone: user.phone, email: '' });
    const session = answer.body.data?.['sessionInfo'] as SessionInfo;
    expect(session.refreshToken).toMatch(/^[0-9a-f]{48}$/);
    expect((await authorize(svc, session.accessToken)).isAuthorized).toBe(true);
  });

  it('with phone and a login captcha token, spending the token', async () => {
    const user = await registeredUser(svc);
    const token = await captchaToken(user.phone, '2');
    const body = { account: user.phone, authType: '2', captchaToken: token };
    const answer = await call(svc.login, { body, headers: agent });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.['userInfo']).toMatchObject({ userId: user.userId });
    expect((await call(svc.login, { body, headers: agent })).body.code).toBe(13001002);
  });

  it('refuses a registration token for login, and a login token for an unregistered phone without burning it', async () => {
    const user = await registeredUser(svc);
    const registrationToken = await captchaToken(user.phone, '1');
    const wrongScenario = await call(svc.login, {
      body: { account: user.phone, authType: '2', captchaToken: registrationToken },
      headers: agent,
    });
    expect(wrongScenario.body.code).toBe(13001002);

    const stranger = randomPhone();
    const token = await unsentCaptchaToken(stranger, '2');
    const answer = await call(svc.login, { body: { account: stranger, authType: '2', captchaToken: token }, headers: agent });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(13001008);
    const stored = await db.send(
      new GetCommand({ TableName: svc.deps.config.tables.verifications, Key: { pk: `TOKEN#${sha256(token)}` } }),
    );
    expect(stored.Item?.['usedAt']).toBeUndefined();
  });

  it('answers a wrong password and an unknown phone alike, and checks a bcrypt hash for both', async () => {
    const user = await registeredUser(svc);
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      const wrongPassword = await loginWithPassword(svc, user.phone, 'Wrong-Pass-1');
      const unknownPhone = await loginWithPassword(svc, randomPhone(), 'Wrong-Pass-1');
      expect(wrongPassword.status).toBe(401);
      expect(unknownPhone.status).toBe(401);
      expect(unknownPhone.raw).toBe(wrongPassword.raw);
      expect(compare).toHaveBeenCalledTimes(2);
      const [, unknownHash] = compare.mock.calls[1]!;
      expect(unknownHash).toMatch(/^\$2[aby]\$04\$/); // a real hash at the configured cost
    } finally {
      compare.mockRestore();
    }
  });

  it('locks a phone for a source IP after 10 wrong passwords from it in the window with 429 and Retry-After, even for the right one', async () => {
    const user = await registeredUser(svc);
    const ip = '192.0.2.10';
    for (let i = 0; i < 10; i++) expect((await loginWithPassword(svc, user.phone, `Wrong-${i}-pass`, ip)).status).toBe(401);
    const locked = await loginWithPassword(svc, user.phone, user.password, ip);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe(13001006);
    expect(Number(locked.headers['Retry-After'])).toBeGreaterThan(0);
    expect(Number(locked.headers['Retry-After'])).toBeLessThanOrEqual(900);
  });

  it("forgets a source IP's wrong passwords after a right one from it, and counts concurrent guesses exactly", async () => {
    const user = await registeredUser(svc);
    const ip = '192.0.2.11';
    for (let i = 0; i < 9; i++) await loginWithPassword(svc, user.phone, `Wrong-${i}-pass`, ip);
    expect((await loginWithPassword(svc, user.phone, user.password, ip)).status).toBe(200);
    const guesses = await Promise.all(Array.from({ length: 15 }, (_, i) => loginWithPassword(svc, user.phone, `Guess-${i}-pass`, ip)));
    expect(guesses.filter((g) => g.status === 401)).toHaveLength(10);
    expect(guesses.filter((g) => g.status === 429)).toHaveLength(5);
  });
});

describe('refresh', () => {
  it('rotates the refresh token: the new one works, the old one no longer does', async () => {
    const { session } = await registeredUser(svc);
    const first = await refresh(svc, session);
    expect(first.status).toBe(200);
    const next = first.body.data?.['sessionInfo'] as SessionInfo;
    expect(next.refreshToken).toMatch(/^[0-9a-f]{48}$/);
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect((await refresh(svc, next)).status).toBe(200);
  });

  it('gives a repeated refresh inside the grace window the same answer, and ends the session outside it', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const { session } = await registeredUser(svc);
    const first = (await refresh(timed, session)).body.data?.['sessionInfo'] as SessionInfo;
    now += 5_000;
    const repeat = await refresh(timed, session);
    expect(repeat.status).toBe(200);
    expect((repeat.body.data?.['sessionInfo'] as SessionInfo).refreshToken).toBe(first.refreshToken);

    now += 6_000; // 11 s after the rotation: a reuse, so someone else may hold the token
    const reuse = await refresh(timed, session);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe(13001009);
    // The whole session is gone: the current refresh token and its access tokens too.
    expect((await refresh(timed, first)).status).toBe(401);
    expect((await authorize(timed, first.accessToken)).isAuthorized).toBe(false);
  });

  it("accepts an expired access token of the same user, refuses another user's", async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const alice = await registeredUser(svc);
    const bob = await registeredUser(svc);
    const stolen = await refresh(svc, { accessToken: bob.session.accessToken, refreshToken: alice.session.refreshToken });
    expect(stolen.status).toBe(401);

    now += 1_900_000; // past the access token's 1,800 s
    expect((await authorize(timed, alice.session.accessToken)).isAuthorized).toBe(false);
    expect((await refresh(timed, alice.session)).status).toBe(200);
  });

  it('refuses unknown and malformed refresh tokens, and a bad access token', async () => {
    const { session } = await registeredUser(svc);
    expect((await refresh(svc, { ...session, refreshToken: 'f'.repeat(48) })).body.code).toBe(13001009);
    const tampered = session.accessToken.slice(0, -4) + (session.accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await refresh(svc, { ...session, accessToken: tampered })).body.code).toBe(13001010);
    const missing = await call(svc.refreshToken, { body: { refreshToken: session.refreshToken } });
    expect(missing.status).toBe(400);
    expect(missing.body.msg).toContain('Authorization');
  });

  it('twenty concurrent refreshes of one token leave one live chain', async () => {
    const { session } = await registeredUser(svc);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(svc, session)));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const tokens = new Set(answers.filter((a) => a.status === 200).map((a) => (a.body.data?.['sessionInfo'] as SessionInfo).refreshToken));
    expect(tokens.size).toBe(1);
    const [successor] = [...tokens];
    expect((await refresh(svc, { accessToken: session.accessToken, refreshToken: String(successor) })).status).toBe(200);
  });
});

describe('logout', () => {
  it('ends the session: its refresh token and its access tokens are refused from then on', async () => {
    const user = await registeredUser(svc);
    const other = (await loginWithPassword(svc, user.phone, user.password)).body.data?.['sessionInfo'] as SessionInfo;

    const answer = await logout(svc, user.userId, user.session.accessToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 0, msg: 'Success.' });

    expect((await refresh(svc, user.session)).status).toBe(401);
    expect((await authorize(svc, user.session.accessToken)).isAuthorized).toBe(false);
    expect((await logout(svc, user.userId, user.session.accessToken)).status).toBe(401);
    // Another session of the same user lives on.
    expect((await authorize(svc, other.accessToken)).isAuthorized).toBe(true);
    expect((await refresh(svc, other)).status).toBe(200);
  });

  it("refuses a userId that is not the token's", async () => {
    const user = await registeredUser(svc);
    const answer = await logout(svc, '1234567890123456789', user.session.accessToken);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(13001010);
    expect((await authorize(svc, user.session.accessToken)).isAuthorized).toBe(true);
  });
});

describe('the whole life of a session, in order', () => {
  it('register → login (both types) → refresh → old token inside, then outside the grace → logout → all refused', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const user = await registeredUser(timed);

    const byPassword = await loginWithPassword(timed, user.phone, user.password);
    expect(byPassword.status).toBe(200);
    const byCode = await call(timed.login, {
      body: { account: user.phone, authType: '2', captchaToken: await captchaToken(user.phone, '2') },
      headers: agent,
    });
    expect(byCode.status).toBe(200);

    const session = byPassword.body.data?.['sessionInfo'] as SessionInfo;
    const rotated = (await refresh(timed, session)).body.data?.['sessionInfo'] as SessionInfo;
    now += 2_000;
    expect((await refresh(timed, session)).status).toBe(200); // inside the grace: a retry
    now += 20_000;
    const current = (await refresh(timed, rotated)).body.data?.['sessionInfo'] as SessionInfo;
    expect(current.refreshToken).not.toBe(rotated.refreshToken);

    expect((await logout(timed, user.userId, current.accessToken)).status).toBe(200);
    expect((await refresh(timed, current)).body.code).toBe(13001009);
    expect((await authorize(timed, current.accessToken)).isAuthorized).toBe(false);
    expect((await authorize(timed, session.accessToken)).isAuthorized).toBe(false); // same session, older token
    // The other sessions (registration's, the code login's) are untouched.
    const other = byCode.body.data?.['sessionInfo'] as SessionInfo;
    expect((await authorize(timed, other.accessToken)).isAuthorized).toBe(true);
    // Outside the grace, the first token is a reuse: that session is already ended, and stays so.
    expect((await refresh(timed, session)).status).toBe(401);
  });
});
