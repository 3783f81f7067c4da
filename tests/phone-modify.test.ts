// docs/API.md §6.5: a signed-in user moves the account to a new number, with a phone-change captcha
// token for it and the password. One write spends the token, claims the new number, releases the
// old one, moves the user and ends every other session; a refused one changes nothing. A number is
// never held by two users, however many race for it.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import {
  call,
  captchaToken,
  configWith,
  randomPhone,
  registeredUser,
  registration,
  service,
  type Service,
  type SessionInfo,
} from './helpers';

jest.setTimeout(60_000);

const db = createDocumentClient(configWith());

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

type User = Awaited<ReturnType<typeof registeredUser>>;

/** The change request of `user` to `newPhone`, with a fresh phone-change token for it unless one is given. */
async function changeBody(user: User, newPhone: string, extra: Record<string, unknown> = {}) {
  return { userId: user.userId, newPhone, captchaToken: await captchaToken(newPhone, '4'), password: user.password, ...extra };
}
const changePhone = (s: Service, accessToken: string, body: Record<string, unknown>) =>
  call(s.phoneModify, { body, headers: withAuth(accessToken) });

const get = async (table: string, pk: string) =>
  (await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
const claimOf = async (phone: string) => (await get(svc.deps.config.tables.users, keys.phone(phone)))?.['userId'];
const phoneOf = async (userId: string) => (await get(svc.deps.config.tables.users, keys.user(userId)))?.['phone'];
const tokenItem = (token: string) => get(svc.deps.config.tables.verifications, keys.token(sha256(token)));

/**
 * A user holding a number for which a phone-change token was issued while it was free: a token for
 * a number that has an account cannot be had otherwise (no code is sent for it).
 */
async function holderWithToken(): Promise<{ holder: User; token: string }> {
  const phone = randomPhone();
  const token = await captchaToken(phone, '4');
  const registered = await call(svc.register, { body: registration(phone, await captchaToken(phone)), headers: agent });
  const userId = String(registered.body.data?.['userId']);
  const session = registered.body.data?.['sessionInfo'] as SessionInfo;
  return { holder: { phone, userId, session, password: registration(phone, '').password }, token };
}

describe('a phone change', () => {
  it('moves the user, releases the old number and ends every other session, in one write; the calling session stays', async () => {
    const user = await registeredUser(svc);
    const other = await loggedIn(svc, user.phone, user.password);
    const newPhone = randomPhone();
    const body = await changeBody(user, newPhone);
    body.newPhone = `+${newPhone.slice(2, 4)} ${newPhone.slice(4)}`; // any spelling: answered canonical

    const answer = await changePhone(svc, user.session.accessToken, body);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 0, msg: 'Success.', data: { phone: newPhone } });
    expect(answer.headers['Cache-Control']).toBe('no-store');

    expect(await phoneOf(user.userId)).toBe(newPhone);
    expect(await claimOf(newPhone)).toBe(user.userId);
    expect(await claimOf(user.phone)).toBeUndefined();
    expect((await tokenItem(body.captchaToken))?.['usedBy']).toBe(user.userId);

    expect(await authorized(svc, other.accessToken)).toBe(false);
    expect((await refresh(svc, other)).body.code).toBe(13001009);
    expect((await changePhone(svc, other.accessToken, await changeBody(user, randomPhone()))).body.code).toBe(13001010);
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
    expect((await refresh(svc, user.session)).status).toBe(200);

    expect((await login(svc, newPhone, user.password)).status).toBe(200);
    expect((await login(svc, user.phone, user.password)).body.code).toBe(13001008);
  });

  it('frees the old number at once: it registers again with a new code, for a new user', async () => {
    const user = await registeredUser(svc);
    expect((await changePhone(svc, user.session.accessToken, await changeBody(user, randomPhone()))).status).toBe(200);
    const again = await call(svc.register, { body: registration(user.phone, await captchaToken(user.phone)), headers: agent });
    expect(again.status).toBe(200);
    expect(again.body.data?.['userId']).not.toBe(user.userId);
    expect(await claimOf(user.phone)).toBe(again.body.data?.['userId']);
  });

  it('leaves no login to the old number: a login code for it logs nobody in, and spends nothing', async () => {
    const user = await registeredUser(svc);
    const loginToken = await captchaToken(user.phone, '2');
    expect((await changePhone(svc, user.session.accessToken, await changeBody(user, randomPhone()))).status).toBe(200);
    const answer = await call(svc.login, { body: { account: user.phone, authType: '2', captchaToken: loginToken }, headers: agent });
    expect(answer.body.code).toBe(13001008);
    expect((await tokenItem(loginToken))?.['usedAt']).toBeUndefined();
  });

  // A login reads the user by the phone's claim, checks, then writes its session on condition that
  // the user (and, for a login code, the claim) is still as read: a change in between refuses it.
  it('refuses a password login that read the user before the change and writes after it', async () => {
    const user = await registeredUser(svc);
    const change = await changeBody(user, randomPhone());
    const write = svc.deps.accounts.openSession.bind(svc.deps.accounts);
    const spy = jest.spyOn(svc.deps.accounts, 'openSession').mockImplementationOnce(async (input) => {
      expect((await changePhone(svc, user.session.accessToken, change)).status).toBe(200);
      return write(input);
    });
    try {
      expect((await login(svc, user.phone, user.password)).body.code).toBe(13001008);
      const opened = spy.mock.calls[0]![0].session.sessionId;
      expect(await get(svc.deps.config.tables.sessions, keys.session(opened))).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a login code for the old number that read its claim before the change and writes after it, spending nothing', async () => {
    const user = await registeredUser(svc);
    const loginToken = await captchaToken(user.phone, '2');
    const change = await changeBody(user, randomPhone());
    const write = svc.deps.accounts.openSessionWithToken.bind(svc.deps.accounts);
    const spy = jest.spyOn(svc.deps.accounts, 'openSessionWithToken').mockImplementationOnce(async (input) => {
      expect((await changePhone(svc, user.session.accessToken, change)).status).toBe(200);
      return write(input);
    });
    try {
      const answer = await call(svc.login, { body: { account: user.phone, authType: '2', captchaToken: loginToken }, headers: agent });
      expect(answer.body.code).toBe(13001008);
      const opened = spy.mock.calls[0]![0].session.sessionId;
      expect(await get(svc.deps.config.tables.sessions, keys.session(opened))).toBeUndefined();
      expect((await tokenItem(loginToken))?.['usedAt']).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('answers a retry of a change whose answer was lost with the same success, changing nothing more', async () => {
    const user = await registeredUser(svc);
    const body = await changeBody(user, randomPhone());
    // The write happens, its answer is lost, and the store is asked again (as the SDK retries).
    const write = svc.deps.accounts.changePhone.bind(svc.deps.accounts);
    const spy = jest.spyOn(svc.deps.accounts, 'changePhone').mockImplementationOnce(async (input) => {
      await write(input);
      return write(input);
    });
    try {
      const answer = await changePhone(svc, user.session.accessToken, body);
      expect(answer.body).toEqual({ code: 0, msg: 'Success.', data: { phone: body.newPhone } });
    } finally {
      spy.mockRestore();
    }
    expect(await claimOf(body.newPhone)).toBe(user.userId);
    // And the whole request again, as a client retries a lost answer: the same success.
    const again = await changePhone(svc, user.session.accessToken, body);
    expect(again.body).toEqual({ code: 0, msg: 'Success.', data: { phone: body.newPhone } });
    expect(await phoneOf(user.userId)).toBe(body.newPhone);
  });
});

describe('a phone change refused', () => {
  it('for a number another user holds: 409/13001001, nothing changes, and the token stays usable', async () => {
    const user = await registeredUser(svc);
    const other = await loggedIn(svc, user.phone, user.password);
    const { holder, token } = await holderWithToken();
    const body = await changeBody(user, holder.phone, { captchaToken: token });

    const answer = await changePhone(svc, user.session.accessToken, body);
    expect([answer.status, answer.body]).toEqual([409, { code: 13001001, msg: 'The phone number is already registered.' }]);
    expect(await claimOf(holder.phone)).toBe(holder.userId);
    expect(await claimOf(user.phone)).toBe(user.userId);
    expect(await phoneOf(user.userId)).toBe(user.phone);
    expect((await tokenItem(body.captchaToken))?.['usedAt']).toBeUndefined();
    expect((await refresh(svc, other)).status).toBe(200);

    // Once the holder moves away, the same token moves the user there.
    expect((await changePhone(svc, holder.session.accessToken, await changeBody(holder, randomPhone()))).status).toBe(200);
    expect((await changePhone(svc, user.session.accessToken, body)).status).toBe(200);
    expect(await claimOf(holder.phone)).toBe(user.userId);
  });

  it("for the user's own number: 409 with a valid token (left unspent), 13001002 with any other", async () => {
    const { holder, token } = await holderWithToken();
    const body = { userId: holder.userId, newPhone: holder.phone, captchaToken: token, password: holder.password };
    expect((await changePhone(svc, holder.session.accessToken, body)).body.code).toBe(13001001);
    expect((await tokenItem(token))?.['usedAt']).toBeUndefined();
    expect((await changePhone(svc, holder.session.accessToken, { ...body, captchaToken: 'f'.repeat(64) })).body.code).toBe(13001002);
    expect(await claimOf(holder.phone)).toBe(holder.userId);
  });

  it('for a wrong password: 401/13001008, spending one of the login tries, 429 past them; the token is not spent', async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES: '2' } });
    const user = await registeredUser(limited);
    const body = await changeBody(user, randomPhone(), { password: 'Not-the-1-password' });
    for (let i = 0; i < 2; i++) expect((await changePhone(limited, user.session.accessToken, body)).body.code).toBe(13001008);
    const locked = await changePhone(limited, user.session.accessToken, { ...body, password: user.password });
    expect([locked.status, locked.body.code]).toEqual([429, 13001006]);
    expect((await login(limited, user.phone, user.password)).status).toBe(429); // the same tries as login's
    expect((await tokenItem(body.captchaToken))?.['usedAt']).toBeUndefined();
    expect(await phoneOf(user.userId)).toBe(user.phone);
  });

  it.each([
    ['registration', '1'],
    ['login', '2'],
    ['password reset', '3'],
  ] as const)('for a %s token of the number: 400/13001002, judged before whether the number is taken', async (_, codeType) => {
    const user = await registeredUser(svc);
    const holder = await registeredUser(svc);
    const body = await changeBody(user, holder.phone, { captchaToken: await captchaToken(holder.phone, codeType) });
    expect((await changePhone(svc, user.session.accessToken, body)).body).toEqual({ code: 13001002, msg: 'Invalid verification token.' });
    expect(await claimOf(holder.phone)).toBe(holder.userId);
    expect(await phoneOf(user.userId)).toBe(user.phone);
  });

  it('for a token of another number, an unknown one and a spent one: 400/13001002', async () => {
    const user = await registeredUser(svc);
    const newPhone = randomPhone();
    const cases = [
      await captchaToken(randomPhone(), '4'),
      '0'.repeat(64),
      await (async () => {
        const spentBody = await changeBody(user, randomPhone());
        expect((await changePhone(svc, user.session.accessToken, spentBody)).status).toBe(200);
        return spentBody.captchaToken;
      })(),
    ];
    for (const token of cases) {
      const answer = await changePhone(svc, user.session.accessToken, { ...(await changeBody(user, newPhone)), captchaToken: token });
      expect(answer.body.code).toBe(13001002);
    }
    expect(await claimOf(newPhone)).toBeUndefined();
  });

  it('for an expired token: 400/13001003', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const user = await registeredUser(timed);
    const body = await changeBody(user, randomPhone());
    now += timed.deps.config.limits.captchaTokenTtlSeconds * 1000 + 1000; // the access token still lives
    const answer = await changePhone(timed, user.session.accessToken, body);
    expect([answer.status, answer.body]).toEqual([400, { code: 13001003, msg: 'Verification token expired.' }]);
  });

  it("for another user's id: 403/13001011, whether that user exists or not", async () => {
    const user = await registeredUser(svc);
    const victim = await registeredUser(svc);
    for (const userId of [victim.userId, '1']) {
      const answer = await changePhone(svc, user.session.accessToken, await changeBody(victim, randomPhone(), { userId }));
      expect([answer.status, answer.body]).toEqual([403, { code: 13001011, msg: 'Access denied.' }]);
    }
    expect(await phoneOf(victim.userId)).toBe(victim.phone);
  });

  it.each([
    ['newPhone', { newPhone: '12345' }, 'newPhone: must be 8-15 digits after a 00 or + prefix, the first not 0'],
    ['newPhone', { newPhone: '+0271884609' }, 'newPhone: must be 8-15 digits after a 00 or + prefix, the first not 0'],
    ['captchaToken', { captchaToken: '' }, 'captchaToken: is required'],
    ['password', { password: null }, 'password: must be a string'],
    ['userId', { userId: 42 }, 'userId: must be a string'],
  ])('for a bad %s: 400/13000102 naming it', async (_, fields, problem) => {
    const user = await registeredUser(svc);
    const answer = await changePhone(svc, user.session.accessToken, { ...(await changeBody(user, randomPhone())), ...fields });
    expect([answer.status, answer.body]).toEqual([400, { code: 13000102, msg: `Verify parameters failed. ${problem}` }]);
  });
});

describe('users racing for one number', () => {
  it('exactly one of them gets it, the others 409 with nothing changed; no number ends up with two users or an orphan claim', async () => {
    for (let round = 0; round < 4; round++) {
      const contenders = await Promise.all(Array.from({ length: 3 }, () => registeredUser(svc)));
      const target = randomPhone();
      const bodies = await Promise.all(contenders.map((u) => changeBody(u, target)));
      const answers = await Promise.all(contenders.map((u, i) => changePhone(svc, u.session.accessToken, bodies[i]!)));

      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
      const winner = contenders[answers.findIndex((a) => a.status === 200)]!;
      expect(await claimOf(target)).toBe(winner.userId);
      for (const u of contenders) {
        const won = u === winner;
        expect(await phoneOf(u.userId)).toBe(won ? target : u.phone);
        expect(await claimOf(u.phone)).toBe(won ? undefined : u.userId);
      }
    }
  });
});
