// docs/API.md §6.3 and §6.4: the profile, read and updated by its own user only, against DynamoDB
// Local. Another user is refused whether or not they exist, and without being read; an ended
// session is refused; an update racing the account's deletion never brings the user back.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client';
import { call, configWith, randomPhone, registeredUser, service, type Answer, type Service } from './helpers';

const db = createDocumentClient(configWith());

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

type User = Awaited<ReturnType<typeof registeredUser>>;

const auth = (accessToken: string) => ({ Authorization: accessToken });
const jsonAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const read = (user: Pick<User, 'session'>, query?: Record<string, string>) =>
  call(svc.userInfo, { method: 'GET', headers: auth(user.session.accessToken), ...(query ? { query } : {}) });
const update = (user: Pick<User, 'session'>, body: Record<string, unknown>) =>
  call(svc.updateUserInfo, { method: 'PUT', headers: jsonAuth(user.session.accessToken), body });

const userItem = async (userId: string) =>
  (await db.send(new GetCommand({ TableName: svc.deps.config.tables.users, Key: { pk: `USER#${userId}` }, ConsistentRead: true }))).Item;
// The account's own deletion (docs/API.md §6.6): its sessions and claim go with it, so no other
// suite's scan finds them orphaned.
const deleteUserItem = (userId: string) => svc.deps.accounts.deleteUser({ userId });

const expectError = (answer: Answer, status: number, code: number) => {
  expect([answer.status, answer.body.code, answer.body.data]).toEqual([status, code, undefined]);
  expect(answer.headers['Cache-Control']).toBe('no-store');
};
/** An id no user has: the snowflake of a millisecond long past, with a worker and sequence nobody uses. */
const NOBODY = '1000000000000000001';

let ann: User;
let bob: User;
beforeAll(async () => {
  [ann, bob] = await Promise.all([registeredUser(svc), registeredUser(svc)]);
});

describe('GET /user/info', () => {
  it("answers the caller's profile, as login's userInfo shows it, named by userId, by phone in either spelling, or not at all", async () => {
    const login = await call(svc.login, {
      body: { account: ann.phone, authType: '1', password: ann.password },
      headers: { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' },
    });
    const expected = login.body.data?.['userInfo'] as Record<string, string>;
    expect(expected).toEqual({ userId: ann.userId, firstname: 'Ann', surname: 'Lee', phone: ann.phone, email: '' });
    const queries: Array<Record<string, string> | undefined> = [
      { userId: ann.userId },
      { phone: ann.phone },
      { phone: `+${ann.phone.slice(2)}` },
      undefined,
    ];
    for (const query of queries) {
      const answer = await read(ann, query);
      expect([query, answer.status, answer.body]).toEqual([query, 200, { code: 0, msg: 'Success.', data: expected }]);
      expect(answer.headers['Cache-Control']).toBe('no-store');
    }
  });

  it('lets userId win when both are given', async () => {
    expect((await read(ann, { userId: ann.userId, phone: bob.phone })).status).toBe(200);
    expectError(await read(ann, { userId: bob.userId, phone: ann.phone }), 403, 13001011);
  });

  it('refuses another user, by userId or by phone, alike whether that user exists or not, and never reads them', async () => {
    const findUser = jest.spyOn(svc.deps.accounts, 'findUser');
    const findUserByPhone = jest.spyOn(svc.deps.accounts, 'findUserByPhone');
    try {
      const answers = [
        await read(ann, { userId: bob.userId }),
        await read(ann, { userId: NOBODY }),
        await read(ann, { phone: bob.phone }),
        await read(ann, { phone: randomPhone() }),
      ];
      for (const answer of answers) expectError(answer, 403, 13001011);
      expect(new Set(answers.map((a) => a.raw))).toEqual(new Set(['{"code":13001011,"msg":"Access denied."}']));
      // Only the caller's own record, for the phone comparisons.
      expect(findUser.mock.calls).toEqual([[ann.userId], [ann.userId]]);
      expect(findUserByPhone).not.toHaveBeenCalled();
    } finally {
      findUser.mockRestore();
      findUserByPhone.mockRestore();
    }
  });

  it('refuses a session that has ended (logout), and a token whose user is gone', async () => {
    const user = await registeredUser(svc);
    expect((await read(user)).status).toBe(200);
    const logout = await call(svc.logout, {
      body: { userId: user.userId, accessToken: user.session.accessToken },
      headers: jsonAuth(user.session.accessToken),
    });
    expect(logout.status).toBe(200);
    expectError(await read(user), 401, 13001010);
    expectError(await read(user, { userId: user.userId }), 401, 13001010);

    const deleted = await registeredUser(svc);
    await deleteUserItem(deleted.userId);
    expectError(await read(deleted), 401, 13001010);
  });

  it.each([
    ['userId', { userId: 'me' }],
    ['userId', { userId: '' }],
    ['userId', { userId: `${'1'.repeat(19)},${'2'.repeat(19)}` }],
    ['phone', { phone: '12345' }],
    ['phone', { phone: 'x'.repeat(40) }],
  ])('names the bad query parameter %s (%j)', async (field, query) => {
    const answer = await read(ann, query);
    expectError(answer, 400, 13000102);
    expect(answer.body.msg).toMatch(new RegExp(`^Verify parameters failed\\. ${field}: `));
  });

  it('refuses a missing or forged Authorization', async () => {
    const none = await call(svc.userInfo, { method: 'GET', headers: {} });
    expect([none.status, none.body.msg]).toEqual([400, 'Verify parameters failed. Authorization: is required']);
    expectError(await call(svc.userInfo, { method: 'GET', headers: auth(`${ann.session.accessToken}x`) }), 401, 13001010);
  });
});

describe('PUT /user/info', () => {
  it('sets the fields given, with the rules of registration, keeps the others, and counts the change', async () => {
    const user = await registeredUser(svc);
    const rev = Number((await userItem(user.userId))?.['rev'] ?? 0);

    const first = await update(user, { userId: user.userId, surname: '  Smith-Jones ', email: ' John.Smith@Example.COM ' });
    expect([first.status, first.body]).toEqual([200, { code: 0, msg: 'Success.' }]);
    expect(first.headers['Cache-Control']).toBe('no-store');
    expect((await read(user)).body.data).toEqual({
      userId: user.userId,
      firstname: 'Ann',
      surname: 'Smith-Jones',
      phone: user.phone,
      email: 'john.smith@example.com',
    });
    expect((await userItem(user.userId))?.['rev']).toBe(rev + 1);

    // NFC, as registration stores names: the decomposed spelling is stored composed.
    expect((await update(user, { userId: user.userId, firstname: 'Zoe\u0308', surname: '', email: '' })).status).toBe(200);
    expect((await read(user)).body.data).toMatchObject({ firstname: 'Zoë', surname: '', email: '' });
    const item = await userItem(user.userId);
    expect(item).toMatchObject({ rev: rev + 2, phone: user.phone, passwordHash: expect.stringMatching(/^\$2[aby]\$/) });
    expect(item?.['updatedAt']).toEqual(expect.any(Number));
  });

  it('ignores a phone in the body: the number is not changed here', async () => {
    const user = await registeredUser(svc);
    const other = randomPhone();
    const answer = await update(user, { userId: user.userId, firstname: 'Johnny', phone: other });
    expect(answer.status).toBe(200);
    expect((await read(user)).body.data).toMatchObject({ firstname: 'Johnny', phone: user.phone });
    const claim = await db.send(new GetCommand({ TableName: svc.deps.config.tables.users, Key: { pk: `PHONE#${other}` } }));
    expect(claim.Item).toBeUndefined();
  });

  it('refuses another user, alike whether that user exists or not, and leaves them as they were', async () => {
    const before = await userItem(bob.userId);
    const answers = [
      await update(ann, { userId: bob.userId, firstname: 'Mallory' }),
      await update(ann, { userId: NOBODY, firstname: 'Mallory' }),
    ];
    for (const answer of answers) expectError(answer, 403, 13001011);
    expect(answers[0]!.raw).toBe(answers[1]!.raw);
    expect(await userItem(bob.userId)).toEqual(before);
    expect(await userItem(NOBODY)).toBeUndefined();
  });

  it('refuses a session that has ended (logout)', async () => {
    const user = await registeredUser(svc);
    await call(svc.logout, {
      body: { userId: user.userId, accessToken: user.session.accessToken },
      headers: jsonAuth(user.session.accessToken),
    });
    expectError(await update(user, { userId: user.userId, firstname: 'Late' }), 401, 13001010);
    expect((await userItem(user.userId))?.['firstname']).toBe('Ann');
  });

  it.each([
    ['userId', { userId: undefined, firstname: 'Ann' }, 'userId: must be a string'],
    ['userId', { userId: 'me', firstname: 'Ann' }, 'userId: must be a user id'],
    ['firstname', { firstname: '   ' }, 'firstname: must not be empty'],
    ['firstname', { firstname: 'a'.repeat(65) }, 'firstname: must be at most 64 characters'],
    ['firstname', { firstname: 'Ann\u0000' }, 'firstname: must not contain control characters'],
    ['firstname', { firstname: 'Ann\u202e' }, 'firstname: must not contain format characters (bidi controls, zero-width characters)'],
    ['firstname', { firstname: null }, 'firstname: must be a string'],
    ['surname', { surname: 'b'.repeat(65) }, 'surname: must be at most 64 characters'],
    ['surname', { surname: ['Lee'] }, 'surname: must be a string'],
    ['email', { email: 'not-an-email' }, 'email: must be a valid email address'],
    ['email', { email: `${'a'.repeat(250)}@x.io` }, 'email: must be at most 254 characters'],
    ['the three fields', {}, 'body: at least one of firstname, surname, email is required'],
    ['the three fields (only a phone)', { phone: '0027188460901' }, 'body: at least one of firstname, surname, email is required'],
  ])('names a bad %s (%j)', async (_, change, problem) => {
    const user = { session: ann.session };
    const answer = await update(user, { userId: ann.userId, ...change });
    expect([answer.status, answer.body]).toEqual([400, { code: 13000102, msg: `Verify parameters failed. ${problem}` }]);
  });

  it('never recreates a user deleted before the update', async () => {
    const user = await registeredUser(svc);
    await deleteUserItem(user.userId);
    expectError(await update(user, { userId: user.userId, firstname: 'Ghost' }), 401, 13001010);
    expect(await userItem(user.userId)).toBeUndefined();
  });

  it('never recreates a user deleted while updates are in flight', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => registeredUser(svc)));
    await Promise.all(
      users.map(async (user) => {
        const answers = await Promise.all([
          ...Array.from({ length: 4 }, (_, i) => update(user, { userId: user.userId, firstname: `Racer${i}` })),
          deleteUserItem(user.userId).then(() => undefined),
          ...Array.from({ length: 4 }, (_, i) => update(user, { userId: user.userId, surname: `Late${i}` })),
        ]);
        for (const answer of answers) if (answer) expect([200, 401]).toContain(answer.status);
        expect(await userItem(user.userId)).toBeUndefined();
      }),
    );
  });
});
