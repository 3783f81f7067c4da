// docs/API.md §6.1: a signed-in user changes the password. The old one is checked as a login checks
// it, the new one follows the registration policy, and in one write the hash is replaced and every
// other session of the user ends, for refresh, the functions and the authorizer alike, at once.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { createDocumentClient } from '../lib/store/client';
import { call, configWith, registeredUser, service, type Service, type SessionInfo } from './helpers';

const db = createDocumentClient(configWith());
const NEW_PASSWORD = '02BSEBb2-new';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const login = (s: Service, account: string, password: string) =>
  call(s.login, { body: { account, authType: '1', password }, headers: agent });
const loggedIn = async (s: Service, account: string, password: string) => {
  const answer = await login(s, account, password);
  expect(answer.status).toBe(200);
  return answer.body.data?.['sessionInfo'] as SessionInfo;
};
const refresh = (s: Service, session: Pick<SessionInfo, 'accessToken' | 'refreshToken'>) =>
  call(s.refreshToken, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
const authorized = async (s: Service, accessToken: string) =>
  ((await s.authorizer({ headers: { authorization: accessToken } } as never)) as { isAuthorized: boolean }).isAuthorized;
const changePassword = (s: Service, accessToken: string, body: Record<string, unknown>) =>
  call(s.passwordModify, { body, headers: withAuth(accessToken) });

const userItem = async (userId: string) =>
  (await db.send(new GetCommand({ TableName: svc.deps.config.tables.users, Key: { pk: `USER#${userId}` }, ConsistentRead: true }))).Item;
const storedHash = async (userId: string) => String((await userItem(userId))?.['passwordHash']);

describe('a password change', () => {
  it('replaces the password and ends every other session at once; the calling session stays', async () => {
    const user = await registeredUser(svc);
    const laptop = await loggedIn(svc, user.phone, user.password);
    const tablet = await loggedIn(svc, user.phone, user.password);

    const answer = await changePassword(svc, laptop.accessToken, {
      oldPassword: user.password,
      newPassword: NEW_PASSWORD,
      userId: user.userId,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 0, msg: 'Success.' });
    expect(answer.headers['Cache-Control']).toBe('no-store');

    // The other devices: refresh tokens 13001009, access tokens refused by the authorizer and the functions.
    for (const other of [user.session, tablet]) {
      expect(await authorized(svc, other.accessToken)).toBe(false);
      expect((await refresh(svc, other)).body.code).toBe(13001009);
      const again = await changePassword(svc, other.accessToken, {
        oldPassword: NEW_PASSWORD,
        newPassword: user.password,
        userId: user.userId,
      });
      expect(again.body.code).toBe(13001010);
    }
    // The caller: still signed in, and its refresh works.
    expect(await authorized(svc, laptop.accessToken)).toBe(true);
    expect((await refresh(svc, laptop)).status).toBe(200);
    expect(Object.keys((await userItem(user.userId))?.['sessions'] as object)).toHaveLength(1);

    expect((await login(svc, user.phone, user.password)).body.code).toBe(13001008);
    expect((await login(svc, user.phone, NEW_PASSWORD)).status).toBe(200);
  });

  it('stores only a bcrypt hash of the new password, NFKC-normalised as registration stores one', async () => {
    const user = await registeredUser(svc);
    const nfd = 'Zoe\u0308-pass-97'; // "Zoë" with a combining diaeresis
    const answer = await changePassword(svc, user.session.accessToken, {
      oldPassword: user.password,
      newPassword: nfd,
      userId: user.userId,
    });
    expect(answer.status).toBe(200);
    const hash = await storedHash(user.userId);
    expect(hash).toMatch(/^\$2[aby]\$/);
    expect(JSON.stringify(await userItem(user.userId))).not.toContain('pass-97');
    expect((await login(svc, user.phone, 'Zo\u00eb-pass-97')).status).toBe(200); // the NFC spelling
  });

  it('ends a session opened while the change was being written too (the write is retried over it)', async () => {
    const user = await registeredUser(svc);
    const write = svc.deps.accounts.changePassword.bind(svc.deps.accounts);
    let meanwhile: SessionInfo | undefined;
    const spy = jest.spyOn(svc.deps.accounts, 'changePassword').mockImplementationOnce(async (input) => {
      meanwhile = await loggedIn(svc, user.phone, user.password); // the old password, still right here
      return write(input);
    });
    try {
      const answer = await changePassword(svc, user.session.accessToken, {
        oldPassword: user.password,
        newPassword: NEW_PASSWORD,
        userId: user.userId,
      });
      expect(answer.status).toBe(200);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
    expect(await authorized(svc, meanwhile!.accessToken)).toBe(false);
    expect((await refresh(svc, meanwhile!)).body.code).toBe(13001009);
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
  });

  it('of two concurrent changes from two devices, exactly one wins; the other is told its old password is no longer right', async () => {
    const user = await registeredUser(svc);
    const other = await loggedIn(svc, user.phone, user.password);
    const answers = await Promise.all([
      changePassword(svc, user.session.accessToken, { oldPassword: user.password, newPassword: 'First-new-pw-1', userId: user.userId }),
      changePassword(svc, other.accessToken, { oldPassword: user.password, newPassword: 'Second-new-pw-2', userId: user.userId }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    const winner = answers[0].status === 200 ? 0 : 1;
    const [winnerPassword, winnerSession, loserSession] =
      winner === 0 ? ['First-new-pw-1', user.session, other] : ['Second-new-pw-2', other, user.session];
    expect(answers[1 - winner]!.body.code).toBe(13001008);
    expect(await bcrypt.compare(winnerPassword, await storedHash(user.userId))).toBe(true);
    expect(await authorized(svc, winnerSession.accessToken)).toBe(true);
    expect(await authorized(svc, loserSession.accessToken)).toBe(false);
  });
});

describe('a password change refused', () => {
  it('for a wrong old password: 401/13001008, spending one of the login tries, 429 past them (login included)', async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES: '3' } });
    const user = await registeredUser(limited);
    const hash = await storedHash(user.userId);
    const wrong = { oldPassword: 'Not-the-1-password', newPassword: NEW_PASSWORD, userId: user.userId };
    for (let i = 0; i < 3; i++) {
      const answer = await changePassword(limited, user.session.accessToken, wrong);
      expect([answer.status, answer.body]).toEqual([401, { code: 13001008, msg: 'Incorrect account or password.' }]);
    }
    const locked = await changePassword(limited, user.session.accessToken, { ...wrong, oldPassword: user.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe(13001006);
    expect(Number(locked.headers['Retry-After'])).toBeGreaterThan(0);
    // The same tries as login's: the right password cannot log in either until the window ends.
    expect((await login(limited, user.phone, user.password)).status).toBe(429);
    expect(await storedHash(user.userId)).toBe(hash);
    expect(await authorized(limited, user.session.accessToken)).toBe(true);
  });

  it.each([
    ['common', 'password', 'Password is too common.'],
    ['too short', 'Ab1-x', 'Password must be 8 to 64 characters long.'],
    ['the old one', '01ASDAa1', 'Password must differ from the old password.'],
    [
      'the old one in full-width characters (the same once NFKC-normalised)',
      '０１ＡＳＤＡａ１',
      'Password must differ from the old password.',
    ],
  ])('for a new password that is %s: 400/13001004 saying which, no try spent, nothing changed', async (_, newPassword, msg) => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES: '1' } });
    const user = await registeredUser(limited);
    const hash = await storedHash(user.userId);
    for (let i = 0; i < 2; i++) {
      const answer = await changePassword(limited, user.session.accessToken, {
        oldPassword: user.password,
        newPassword,
        userId: user.userId,
      });
      expect([answer.status, answer.body]).toEqual([400, { code: 13001004, msg }]);
    }
    expect(await storedHash(user.userId)).toBe(hash);
    expect((await login(limited, user.phone, user.password)).status).toBe(200); // its one try is still there
  });

  it("for a new password that contains the account's phone number", async () => {
    const user = await registeredUser(svc);
    const newPassword = `Pw-${user.phone.slice(-8)}`;
    const answer = await changePassword(svc, user.session.accessToken, { oldPassword: user.password, newPassword, userId: user.userId });
    expect(answer.body).toEqual({ code: 13001004, msg: 'Password must not contain the phone number.' });
  });

  it("for another user's id: 403/13001011, whether that user exists or not, and nothing changes", async () => {
    const user = await registeredUser(svc);
    const victim = await registeredUser(svc);
    const hash = await storedHash(victim.userId);
    for (const userId of [victim.userId, '1', '9999999999999999999']) {
      const answer = await changePassword(svc, user.session.accessToken, {
        oldPassword: victim.password,
        newPassword: NEW_PASSWORD,
        userId,
      });
      expect([answer.status, answer.body]).toEqual([403, { code: 13001011, msg: 'Access denied.' }]);
    }
    expect(await storedHash(victim.userId)).toBe(hash);
  });

  it('without a live access token: 400 naming Authorization when there is none, 401/13001010 for one that is not live', async () => {
    const user = await registeredUser(svc);
    const body = { oldPassword: user.password, newPassword: NEW_PASSWORD, userId: user.userId };
    const none = await call(svc.passwordModify, { body, headers: { 'Content-Type': 'application/json' } });
    expect([none.status, none.body.msg]).toEqual([400, 'Verify parameters failed. Authorization: is required']);
    expect((await changePassword(svc, 'AT not-a-token', body)).body.code).toBe(13001010);
    await call(svc.logout, {
      body: { userId: user.userId, accessToken: user.session.accessToken },
      headers: withAuth(user.session.accessToken),
    });
    expect((await changePassword(svc, user.session.accessToken, body)).body.code).toBe(13001010);
  });

  it.each([
    ['oldPassword', { newPassword: NEW_PASSWORD }, 'oldPassword: must be a string'],
    ['newPassword', { oldPassword: 'x', newPassword: 42 }, 'newPassword: must be a string'],
    ['userId', { oldPassword: 'x', newPassword: NEW_PASSWORD, userId: 'me' }, 'userId: must be a user id'],
  ])('for a bad %s: 400/13000102 naming it', async (_, fields, problem) => {
    const user = await registeredUser(svc);
    const answer = await changePassword(svc, user.session.accessToken, { userId: user.userId, ...fields });
    expect([answer.status, answer.body]).toEqual([400, { code: 13000102, msg: `Verify parameters failed. ${problem}` }]);
  });
});
