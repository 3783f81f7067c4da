// docs/API.md §6.2: a forgotten password reset with a captcha token of codeType 3. One transaction:
// the token spent, the hash replaced, every session ended, the phone's failed-login count cleared;
// through the real handlers against DynamoDB Local, checked in the tables themselves.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDeps } from '../lib/container';
import { loginCountersClearedByReset } from '../lib/domain/password-reset';
import { sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import { startFaultProxy } from './tools/fault-proxy';
import {
  call,
  captchaToken,
  configWith,
  randomPhone,
  registeredUser,
  service,
  unsentCaptchaToken,
  type Answer,
  type Service,
  type SessionInfo,
} from './helpers';

jest.setTimeout(60_000);

const db = createDocumentClient(configWith());
let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const NEW_PASSWORD = 'N3w-Passw0rd';
const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const reset = (s: Service, body: Record<string, unknown>, sourceIp?: string) =>
  call(s.passwordReset, { body, headers: agent, ...(sourceIp ? { sourceIp } : {}) });
const login = (s: Service, account: string, password: string, sourceIp?: string) =>
  call(s.login, { body: { account, authType: '1', password }, headers: agent, ...(sourceIp ? { sourceIp } : {}) });
const refresh = (s: Service, session: Pick<SessionInfo, 'accessToken' | 'refreshToken'>) =>
  call(s.refreshToken, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
const logout = (s: Service, userId: string, accessToken: string) =>
  call(s.logout, { body: { userId, accessToken }, headers: withAuth(accessToken) });
const authorized = async (s: Service, authorization: string) =>
  ((await s.authorizer({ headers: { authorization } } as never)) as { isAuthorized: boolean }).isAuthorized;

const get = async (table: string, pk: string) =>
  (await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
const tokenItem = (token: string) => get(svc.deps.config.tables.verifications, keys.token(sha256(token)));
const userItem = (userId: string) => get(svc.deps.config.tables.users, keys.user(userId));
const errorOf = (answer: Answer) => [answer.status, answer.body.code];

/** A user with three sessions (the registration's and two logins) and a reset token for its phone. */
async function userWithSessions(s: Service = svc) {
  const user = await registeredUser(s);
  const sessions = [user.session];
  for (let i = 0; i < 2; i++) sessions.push((await login(s, user.phone, user.password)).body.data?.['sessionInfo'] as SessionInfo);
  return { ...user, sessions, token: await captchaToken(user.phone, '3') };
}

describe('a password reset (docs/API.md §6.2)', () => {
  it('replaces the password, spends the token, and ends every session at once, for refresh, the functions and the authorizer', async () => {
    const user = await userWithSessions();
    for (const s of user.sessions) expect(await authorized(svc, s.accessToken)).toBe(true);
    const before = await userItem(user.userId);

    const answer = await reset(svc, { phoneNumber: user.phone, captchaToken: user.token, newPwd: NEW_PASSWORD });
    expect([answer.status, answer.body]).toEqual([200, { code: 0, msg: 'Success.' }]);
    expect(answer.headers['Cache-Control']).toBe('no-store');

    for (const s of user.sessions) {
      expect(await authorized(svc, s.accessToken)).toBe(false);
      expect(errorOf(await refresh(svc, s))).toEqual([401, 13001009]);
      expect(errorOf(await logout(svc, user.userId, s.accessToken))).toEqual([401, 13001010]);
    }
    expect(errorOf(await login(svc, user.phone, user.password))).toEqual([401, 13001008]);
    expect((await login(svc, user.phone, NEW_PASSWORD)).status).toBe(200);

    const after = await userItem(user.userId);
    expect(after?.['passwordHash']).not.toBe(before?.['passwordHash']);
    expect(Number(after?.['rev'])).toBeGreaterThan(Number(before?.['rev']));
    // The spent token names no one: no user, and no longer the phone (docs/adr/0020).
    const spent = await tokenItem(user.token);
    expect(spent).toMatchObject({ codeType: '3', usedAt: expect.any(Number) });
    expect(spent).not.toHaveProperty('phone');
    expect(spent).not.toHaveProperty('usedBy');
    // Spent: it resets nothing again.
    const again = await reset(svc, { phoneNumber: user.phone, captchaToken: user.token, newPwd: 'An0ther-Passw0rd' });
    expect([again.status, again.body]).toEqual([400, { code: 13001002, msg: 'Invalid verification token.' }]);
  });

  it("clears the phone's own wrong-password count and the reset address's, and keeps other addresses' held off", async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES: '3' } });
    const user = await registeredUser(limited);
    const [owner, guesser] = ['198.51.100.7', '203.0.113.9'];
    for (const ip of [owner, guesser]) {
      for (let i = 0; i < 3; i++) expect((await login(limited, user.phone, 'Wrong-Passw0rd', ip)).status).toBe(401);
      expect((await login(limited, user.phone, user.password, ip)).status).toBe(429);
    }

    const token = await captchaToken(user.phone, '3');
    expect((await reset(limited, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD }, owner)).status).toBe(200);
    expect((await login(limited, user.phone, NEW_PASSWORD, owner)).status).toBe(200);
    expect((await login(limited, user.phone, NEW_PASSWORD, guesser)).status).toBe(429);
  });

  it('clears the counters loginCountersClearedByReset names: the pair of the phone and the reset address, and the phone', () => {
    const { limits } = svc.deps.config;
    const phone = randomPhone();
    expect(loginCountersClearedByReset(svc.deps, { phone, sourceIp: '203.0.113.7' })).toEqual([
      { key: `login-pair#${phone}#203.0.113.7`, max: limits.loginMaxFailures, windowSeconds: limits.loginFailureWindowSeconds },
      { key: `login-phone#${phone}`, max: limits.loginMaxFailuresPerAccountPerDay, windowSeconds: 24 * 3600 },
    ]);
  });

  it.each([
    ['too common', 'password', 'Password is too common.'],
    ['with the phone in it', 'phone', 'Password must not contain the phone number.'],
    ['too short', 'Ab1!', 'Password must be 8 to 64 characters long.'],
  ])('refuses a new password %s (13001004, the rule named) and leaves the token usable', async (_, newPwd, msg) => {
    const user = await registeredUser(svc);
    const token = await captchaToken(user.phone, '3');
    const weak = newPwd === 'phone' ? `Pw-${user.phone.slice(2)}` : newPwd;
    const answer = await reset(svc, { phoneNumber: user.phone, captchaToken: token, newPwd: weak });
    expect([answer.status, answer.body]).toEqual([400, { code: 13001004, msg }]);
    expect((await tokenItem(token))?.['usedAt']).toBeUndefined();
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
    expect((await reset(svc, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD })).status).toBe(200);
  });

  it('reads the new password NFKC-normalised, as registration and login do: typed full-width, it is the same password', async () => {
    const user = await registeredUser(svc);
    const fullWidth = 'Ｎ３ｗ－Ｐａｓｓｗ０ｒｄ'; // NFKC: N3w-Passw0rd
    const token = await captchaToken(user.phone, '3');
    expect((await reset(svc, { phoneNumber: user.phone, captchaToken: token, newPwd: fullWidth })).status).toBe(200);
    expect((await login(svc, user.phone, NEW_PASSWORD)).status).toBe(200);
  });

  it('takes the phone in either spelling', async () => {
    const user = await registeredUser(svc);
    const token = await captchaToken(user.phone, '3');
    const answer = await reset(svc, { phoneNumber: `+${user.phone.slice(2)}`, captchaToken: token, newPwd: NEW_PASSWORD });
    expect(answer.status).toBe(200);
  });

  describe('token refusals, as registration answers them (13001002, 13001003)', () => {
    it.each<[string, (phone: string) => Promise<{ phoneNumber: string; captchaToken: string }>]>([
      ['unknown', (phone) => Promise.resolve({ phoneNumber: phone, captchaToken: '0'.repeat(48) })],
      ['of another scenario (codeType 1)', async (phone) => ({ phoneNumber: phone, captchaToken: await captchaToken(phone, '1') })],
      ['of another scenario (codeType 2)', async (phone) => ({ phoneNumber: phone, captchaToken: await captchaToken(phone, '2') })],
      [
        'of another phone',
        async (phone) => ({ phoneNumber: phone, captchaToken: await captchaToken((await registeredUser(svc)).phone, '3') }),
      ],
    ])('a token %s: 400 / 13001002, and nothing changes', async (_, tokenFor) => {
      const user = await registeredUser(svc);
      const answer = await reset(svc, { ...(await tokenFor(user.phone)), newPwd: NEW_PASSWORD });
      expect([answer.status, answer.body]).toEqual([400, { code: 13001002, msg: 'Invalid verification token.' }]);
      expect(await authorized(svc, user.session.accessToken)).toBe(true);
      expect((await login(svc, user.phone, user.password)).status).toBe(200);
    });

    it('an expired token: 400 / 13001003, and nothing changes', async () => {
      let now = Date.now();
      const timed = await service({ now: () => now });
      const user = await registeredUser(timed);
      const token = await captchaToken(user.phone, '3');
      now += (timed.deps.config.limits.captchaTokenTtlSeconds + 1) * 1000;
      const answer = await reset(timed, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD });
      expect([answer.status, answer.body]).toEqual([400, { code: 13001003, msg: 'Verification token expired.' }]);
      expect((await userItem(user.userId))?.['rev']).toBe(0);
    });
  });

  describe('a phone without an account', () => {
    it('answers 13001008 to the holder of a valid token for it, and leaves the token unspent', async () => {
      // Never registered: no reset code is texted to it (docs/API.md §2.1), so one is stored as a send would.
      const phone = randomPhone();
      const token = await unsentCaptchaToken(phone, '3');
      const answer = await reset(svc, { phoneNumber: phone, captchaToken: token, newPwd: NEW_PASSWORD });
      expect([answer.status, answer.body]).toEqual([401, { code: 13001008, msg: 'Incorrect account or password.' }]);
      expect((await tokenItem(token))?.['usedAt']).toBeUndefined();
    });

    it('answers 13001008 for an account deleted after its reset code was sent', async () => {
      const user = await registeredUser(svc);
      const token = await captchaToken(user.phone, '3');
      const deleted = await call(svc.userDelete, {
        method: 'DELETE',
        query: { userId: user.userId },
        headers: withAuth(user.session.accessToken),
      });
      expect(deleted.status).toBe(200);
      const answer = await reset(svc, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD });
      expect(errorOf(answer)).toEqual([401, 13001008]);
    });

    it('is told from a phone with one only with a valid token: without one, nothing of an account is read', async () => {
      const user = await registeredUser(svc);
      const lookups = jest.spyOn(svc.deps.accounts, 'findUserByPhone');
      try {
        const answers = await Promise.all(
          [user.phone, randomPhone()].map((phoneNumber) => reset(svc, { phoneNumber, captchaToken: '0'.repeat(48), newPwd: NEW_PASSWORD })),
        );
        expect(answers.map((a) => a.raw)).toEqual([answers[0]!.raw, answers[0]!.raw]);
        expect(errorOf(answers[0]!)).toEqual([400, 13001002]);
        expect(lookups).not.toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
    });
  });

  it('refuses a missing field or a wrong type, naming it', async () => {
    const user = await registeredUser(svc);
    const token = await captchaToken(user.phone, '3');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ captchaToken: token, newPwd: NEW_PASSWORD }, 'phoneNumber: must be a string'],
      [
        { phoneNumber: '12', captchaToken: token, newPwd: NEW_PASSWORD },
        'phoneNumber: must be 8-15 digits after a 00 or + prefix, the first not 0',
      ],
      [{ phoneNumber: user.phone, newPwd: NEW_PASSWORD }, 'captchaToken: must be a string'],
      [{ phoneNumber: user.phone, captchaToken: token, newPwd: 12345678 }, 'newPwd: must be a string'],
    ];
    for (const [body, problem] of cases) {
      expect((await reset(svc, body)).body).toEqual({ code: 13000102, msg: `Verify parameters failed. ${problem}` });
    }
    const noAgent = await call(svc.passwordReset, {
      body: { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(noAgent.body.msg).toBe('Verify parameters failed. x-hw-agentName: is required');
    expect((await tokenItem(token))?.['usedAt']).toBeUndefined();
  });

  it('runs with no key at all: it signs and verifies nothing', async () => {
    const deps = await createDeps(configWith(), { keys: 'none' });
    expect(() => deps.signingKey.privateKey).toThrow(/holds no signing key/);
    expect(() => deps.codeKey.secret).toThrow(/holds no code key/);
    expect(deps.publicKeys).toEqual([]);
  });
});

describe('reset races', () => {
  it('50 concurrent resets with one token: one 200, 49 × 13001002, and the winner’s password is the one stored', async () => {
    const user = await userWithSessions();
    const passwords = Array.from({ length: 50 }, (_, i) => `N3w-Passw0rd-${i}`);
    const answers = await Promise.all(passwords.map((newPwd) => reset(svc, { phoneNumber: user.phone, captchaToken: user.token, newPwd })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // A loser is told the token is spent. On a crowded machine one may give up on the conflicts first
    // (503, safe to retry: the retry answers 13001002); never a second success.
    const spent = { code: 13001002, msg: 'Invalid verification token.' };
    const busy = { code: 13000500, msg: 'Service busy. Try again later.' };
    for (const loser of answers.filter((a) => a.status !== 200)) expect([spent, busy]).toContainEqual(loser.body);
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(40);

    const winner = passwords[statuses.indexOf(200)]!;
    expect((await login(svc, user.phone, winner)).status).toBe(200);
    const other = passwords.find((p) => p !== winner)!;
    expect(errorOf(await login(svc, user.phone, other))).toEqual([401, 13001008]);
    for (const s of user.sessions) expect(await authorized(svc, s.accessToken)).toBe(false);
  });

  it('a reset racing logins with the old password: no session the old password opened survives it', async () => {
    const user = await registeredUser(svc);
    const token = await captchaToken(user.phone, '3');
    const logins = Array.from({ length: 8 }, () => login(svc, user.phone, user.password));
    const [answer, ...opened] = await Promise.all([
      reset(svc, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD }),
      ...logins,
    ]);
    expect(answer.status).toBe(200);
    for (const o of opened) expect([200, 401]).toContain(o.status);
    for (const o of opened.filter((a) => a.status === 200)) {
      const session = o.body.data?.['sessionInfo'] as SessionInfo;
      expect(await authorized(svc, session.accessToken)).toBe(false);
      expect(errorOf(await refresh(svc, session))).toEqual([401, 13001009]);
    }
    expect((await userItem(user.userId))?.['sessions']).toEqual({});
  });

  it('ends a session opened between its read of the user and its write', async () => {
    // The reset's requests each wait at a proxy, so that a login runs between its read of the user
    // and its write: its write must be refused (rev) and redone over the new session.
    const proxy = await startFaultProxy(String(process.env['DYNAMODB_ENDPOINT']));
    try {
      const slow = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
      const user = await registeredUser(svc);
      const token = await captchaToken(user.phone, '3');
      proxy.setPlan({ delay: { share: 1, ms: 400 } });
      // Token read ~400 ms, claim ~800 ms, user ~1,200 ms, then the write ~1,600 ms.
      const resetting = reset(slow, { phoneNumber: user.phone, captchaToken: token, newPwd: NEW_PASSWORD });
      await sleep(1300);
      const between = await login(svc, user.phone, user.password);
      expect(between.status).toBe(200);
      expect((await resetting).status).toBe(200);
      const session = between.body.data?.['sessionInfo'] as SessionInfo;
      expect(await authorized(svc, session.accessToken)).toBe(false);
      expect(errorOf(await refresh(svc, session))).toEqual([401, 13001009]);
    } finally {
      proxy.setPlan({});
      await proxy.stop();
    }
  });
});
