// docs/API.md §6.6: deleting an account. One transaction: the user, its phone claim and every
// session; afterwards nothing in storage names the user but rate-limit counters that expire, and
// pending codes and tokens for the number (docs/adr/0020-what-names-a-user.md). Through the real
// handlers against DynamoDB Local, checked in the tables themselves, with real concurrency.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import { NO_SEND_LIMITS } from './kit/env';
import { startFaultProxy } from './tools/fault-proxy';
import {
  call,
  captchaToken,
  configWith,
  phoneChangeToken,
  randomPhone,
  registeredUser,
  registration,
  service,
  type Answer,
  type Service,
  type SessionInfo,
} from './helpers';

jest.setTimeout(120_000);

const db = createDocumentClient(configWith());
let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const remove = (s: Service, userId: string, accessToken: string) =>
  call(s.userDelete, { method: 'DELETE', query: { userId }, headers: { Authorization: accessToken } });
const login = (s: Service, account: string, password: string) =>
  call(s.login, { body: { account, authType: '1', password }, headers: agent });
const refresh = (s: Service, session: Pick<SessionInfo, 'accessToken' | 'refreshToken'>) =>
  call(s.refreshToken, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
const logout = (s: Service, userId: string, accessToken: string) =>
  call(s.logout, { body: { userId, accessToken }, headers: withAuth(accessToken) });
const authorized = async (s: Service, authorization: string) =>
  ((await s.authorizer({ headers: { authorization } } as never)) as { isAuthorized: boolean }).isAuthorized;
const errorOf = (answer: Answer) => [answer.status, answer.body.code];
const sessionOf = (answer: Answer) => answer.body.data?.['sessionInfo'] as SessionInfo;

type Item = Record<string, unknown>;

/** Every item of every table, by table. */
async function everything(): Promise<Record<string, Item[]>> {
  const tables = svc.deps.config.tables;
  const scan = async (table: string) => {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const entries = await Promise.all(Object.entries(tables).map(async ([name, table]) => [name, await scan(table)] as const));
  return Object.fromEntries(entries);
}

/** The items, by table, whose text holds any of `needles`. */
async function itemsNaming(needles: string[]): Promise<Record<string, Item[]>> {
  const all = await everything();
  const naming = (item: Item) => needles.some((needle) => JSON.stringify(item).includes(needle));
  return Object.fromEntries(Object.entries(all).map(([table, items]) => [table, items.filter(naming)]));
}

/** A user with three sessions: the registration's and two logins. */
async function userWithSessions(s: Service = svc) {
  const user = await registeredUser(s);
  const sessions = [user.session];
  for (let i = 0; i < 2; i++) sessions.push(sessionOf(await login(s, user.phone, user.password)));
  return { ...user, sessions };
}

describe('deleting the account (docs/API.md §6.6)', () => {
  it('deletes the user, its claim and every session at once: refused by refresh, the functions and the authorizer', async () => {
    const user = await userWithSessions();
    const answer = await remove(svc, user.userId, user.sessions[1]!.accessToken);
    expect([answer.status, answer.body]).toEqual([200, { code: 0, msg: 'Success.' }]);
    expect(answer.headers['Cache-Control']).toBe('no-store');

    for (const s of user.sessions) {
      expect(await authorized(svc, s.accessToken)).toBe(false);
      expect(errorOf(await refresh(svc, s))).toEqual([401, 13001009]);
      expect(errorOf(await logout(svc, user.userId, s.accessToken))).toEqual([401, 13001010]);
    }
    // The same request again, with the token of the session it ended.
    expect(errorOf(await remove(svc, user.userId, user.sessions[1]!.accessToken))).toEqual([401, 13001010]);
    expect(errorOf(await login(svc, user.phone, user.password))).toEqual([401, 13001008]);
    expect(await svc.deps.accounts.findUser(user.userId)).toBeUndefined();
    expect(await svc.deps.accounts.findUserByPhone(user.phone)).toBeUndefined();
  });

  it('frees the phone: it registers again at once, with a new code, as a new user', async () => {
    const user = await registeredUser(svc);
    expect((await remove(svc, user.userId, user.session.accessToken)).status).toBe(200);
    const again = await call(svc.register, { body: registration(user.phone, await captchaToken(user.phone)), headers: agent });
    expect(again.status).toBe(200);
    expect(again.body.data?.['userId']).not.toBe(user.userId);
    expect((await login(svc, user.phone, user.password)).body.data?.['userInfo']).toMatchObject({ userId: again.body.data?.['userId'] });
  });

  it("refuses another user's id, and one nobody has, alike (403 / 13001011), deleting nothing", async () => {
    const [caller, other] = await Promise.all([registeredUser(svc), registeredUser(svc)]);
    const answers = await Promise.all([other.userId, '1', '9'.repeat(19)].map((userId) => remove(svc, userId, caller.session.accessToken)));
    for (const a of answers) expect([a.status, a.body]).toEqual([403, { code: 13001011, msg: 'Access denied.' }]);
    expect(new Set(answers.map((a) => a.raw)).size).toBe(1);
    for (const u of [caller, other]) {
      expect(await authorized(svc, u.session.accessToken)).toBe(true);
      expect(await svc.deps.accounts.findUserByPhone(u.phone)).toMatchObject({ userId: u.userId });
    }
  });

  it.each<[string, (user: { userId: string; session: SessionInfo }) => Parameters<typeof call>[1], number, string]>([
    ['no Authorization', (u) => ({ method: 'DELETE', query: { userId: u.userId }, headers: {} }), 13000102, 'Authorization: is required'],
    [
      'a forged token',
      (u) => ({ method: 'DELETE', query: { userId: u.userId }, headers: { Authorization: `${u.session.accessToken}x` } }),
      13001010,
      '',
    ],
    ['no userId', (u) => ({ method: 'DELETE', headers: { Authorization: u.session.accessToken } }), 13000102, 'userId: must be a string'],
    [
      'a userId that is not one',
      (u) => ({ method: 'DELETE', query: { userId: 'me' }, headers: { Authorization: u.session.accessToken } }),
      13000102,
      'userId: must be a user id',
    ],
  ])('refuses %s, deleting nothing', async (_, request, code, problem) => {
    const user = await registeredUser(svc);
    const answer = await call(svc.userDelete, request(user));
    expect(answer.body.code).toBe(code);
    if (problem) expect(answer.body.msg).toBe(`Verify parameters failed. ${problem}`);
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
  });

  it('serves a DELETE whatever body it carries: the body is not read', async () => {
    const user = await registeredUser(svc);
    const answer = await call(svc.userDelete, {
      method: 'DELETE',
      query: { userId: user.userId },
      headers: { Authorization: user.session.accessToken, 'Content-Type': 'text/plain' },
      rawBody: '{not json',
    });
    expect(answer.status).toBe(200);
  });
});

describe('what is left of a deleted user (docs/adr/0020-what-names-a-user.md)', () => {
  it('nothing in any table names it but counters that expire, and a code still pending for the number', async () => {
    const tag = sha256(randomPhone()).slice(0, 10);
    const names = { firstname: `Zoë${tag}`, surname: `Lee${tag}`, email: `zoe.${tag}@example.com` };
    const phone = randomPhone();
    const registered = await call(svc.register, { body: registration(phone, await captchaToken(phone), names), headers: agent });
    expect(registered.status).toBe(200);
    const userId = String(registered.body.data?.['userId']);
    // A life that leaves traces everywhere: logins both ways, a refresh, a wrong password, a reset, a code sent and never used.
    const byPassword = sessionOf(await login(svc, phone, '01ASDAa1'));
    const byCode = await call(svc.login, {
      body: { account: phone, authType: '2', captchaToken: await captchaToken(phone, '2') },
      headers: agent,
    });
    expect(byCode.status).toBe(200);
    expect((await refresh(svc, byPassword)).status).toBe(200);
    expect((await login(svc, phone, 'Wrong-Passw0rd')).status).toBe(401);
    const resetToken = await captchaToken(phone, '3');
    const reset = await call(svc.passwordReset, {
      body: { phoneNumber: phone, captchaToken: resetToken, newPwd: 'N3w-Passw0rd' },
      headers: agent,
    });
    expect(reset.status).toBe(200);
    const fresh = sessionOf(await login(svc, phone, 'N3w-Passw0rd'));
    const pending = await call((await service({ env: NO_SEND_LIMITS })).sendCode, { body: { phone, codeType: '2' }, headers: agent });
    const requestId = String(pending.body.data?.['requestId']); // sent, never validated

    expect((await remove(svc, userId, fresh.accessToken)).status).toBe(200);

    const left = await itemsNaming([userId, phone, names.firstname, names.surname, names.email]);
    expect(left['users']).toEqual([]);
    expect(left['sessions']).toEqual([]);
    // The one code never used is about whoever holds the number, not the account: it names no user and expires.
    expect(left['verifications']!.map((i) => i['pk'])).toEqual([keys.code(requestId)]);
    expect(JSON.stringify(left['verifications'])).not.toContain(userId);
    // Counters keyed by the phone, each expiring with its window (a day at most).
    const now = Math.ceil(Date.now() / 1000);
    expect(left['rateLimits']!.length).toBeGreaterThan(0);
    for (const counter of left['rateLimits']!) {
      expect(String(counter['pk'])).toMatch(/^(QUOTA|COOLDOWN)#/);
      expect(JSON.stringify(counter)).not.toContain(userId);
      expect(Number(counter['ttl'])).toBeLessThanOrEqual(now + 24 * 3600);
    }
  });

  it("deletes the tokens of the user's phone changes: each change the one before it, the deletion the last", async () => {
    const user = await registeredUser(svc);
    const change = async (newPhone: string) => {
      const token = await phoneChangeToken(newPhone, user.session.accessToken);
      const answer = await call(svc.phoneModify, {
        body: { userId: user.userId, newPhone, captchaToken: token, password: user.password },
        headers: { Authorization: user.session.accessToken, 'Content-Type': 'application/json' },
      });
      expect(answer.status).toBe(200);
      return keys.token(sha256(token));
    };
    const tokenItem = async (key: string) => (await everything())['verifications']!.find((i) => i['pk'] === key);
    const first = await change(randomPhone());
    expect(await tokenItem(first)).toMatchObject({ usedBy: user.userId });
    const second = await change(randomPhone());
    expect(await tokenItem(first)).toBeUndefined();
    expect(await tokenItem(second)).toMatchObject({ usedBy: user.userId });
    expect((await remove(svc, user.userId, user.session.accessToken)).status).toBe(200);
    expect(await tokenItem(second)).toBeUndefined();
  });

  it('deletes the token its registration spent, the one verification item that named the user', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const registered = await call(svc.register, { body: registration(phone, token), headers: agent });
    const { userId, sessionInfo } = registered.body.data as { userId: string; sessionInfo: SessionInfo };
    const tokenKey = keys.token(sha256(token));
    expect((await everything())['verifications']!.find((i) => i['pk'] === tokenKey)).toMatchObject({ usedBy: userId, phone });
    expect((await remove(svc, userId, sessionInfo.accessToken)).status).toBe(200);
    expect((await everything())['verifications']!.find((i) => i['pk'] === tokenKey)).toBeUndefined();
    // The registration's retry with it has nothing to answer with any more.
    expect(errorOf(await call(svc.register, { body: registration(phone, token), headers: agent }))).toEqual([400, 13001002]);
  });
});

describe('a deletion racing a refresh, a login and a profile update', () => {
  /** The profile update's write (docs/API.md §6.4): a user that exists gets new names and a new `rev`, and none is recreated. */
  const updateProfile = (userId: string, firstname: string) =>
    db
      .send(
        new UpdateCommand({
          TableName: svc.deps.config.tables.users,
          Key: { pk: keys.user(userId) },
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET firstname = :f ADD rev :one',
          ExpressionAttributeValues: { ':f': firstname, ':one': 1 },
        }),
      )
      .then(
        () => 'updated',
        (error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) return 'gone';
          throw error;
        },
      );

  it('leaves, every time, no claim, no user, no live session and nothing that names the user', async () => {
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 8; round++) {
      const user = await userWithSessions();
      const firstname = `Racer${sha256(user.userId).slice(0, 8)}`;
      // The others start a few milliseconds apart around the deletion, so that some land between its read and its write.
      const later = <T>(ms: number, act: () => Promise<T>) => sleep(ms).then(act);
      const [deleted, refreshed, updated, ...loggedIn] = await Promise.all([
        later(6, () => remove(svc, user.userId, user.sessions[0]!.accessToken)),
        later(round, () => refresh(svc, user.sessions[1]!)),
        later(2 * round, () => updateProfile(user.userId, firstname)),
        ...Array.from({ length: 4 }, (_, i) => later(3 * i + round, () => login(svc, user.phone, user.password))),
      ]);
      expect(deleted.status).toBe(200);
      for (const a of [refreshed, ...loggedIn]) expect(a.status).toBeLessThan(500);
      expect(['updated', 'gone']).toContain(updated);
      for (const outcome of [`refresh ${refreshed.status}`, `update ${updated}`, ...loggedIn.map((a) => `login ${a.status}`)]) {
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }

      const sessions = [...user.sessions];
      if (refreshed.status === 200) sessions.push(sessionOf(refreshed));
      for (const a of loggedIn.filter((l) => l.status === 200)) sessions.push(sessionOf(a));
      for (const s of sessions) {
        expect(await authorized(svc, s.accessToken)).toBe(false);
        expect(errorOf(await refresh(svc, s))).toEqual([401, 13001009]);
      }
      expect(await svc.deps.accounts.findUserByPhone(user.phone)).toBeUndefined();
      const left = await itemsNaming([user.userId, firstname]);
      expect({ round, left }).toEqual({ round, left: { users: [], verifications: [], sessions: [], rateLimits: [] } });
      const phoneLeft = await itemsNaming([user.phone]);
      expect({ users: phoneLeft['users'], verifications: phoneLeft['verifications'] }).toEqual({ users: [], verifications: [] });
    }
    process.stdout.write(`deletion races: ${JSON.stringify(outcomes)}\n`);
  });

  it('ends a session opened between its read of the user and its write, and keeps no profile update made there', async () => {
    // The deletion's requests each wait at a proxy, so that a login and a profile update run
    // between its read of the user and its write: its write must be refused (rev) and redone.
    const proxy = await startFaultProxy(String(process.env['DYNAMODB_ENDPOINT']));
    try {
      const slow = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
      proxy.setPlan({ delay: { share: 1, ms: 400 } });
      const user = await registeredUser(svc);
      const deleting = remove(slow, user.userId, user.session.accessToken); // session read ~400 ms, user read ~800 ms, write ~1,200 ms
      await sleep(900);
      const between = await login(svc, user.phone, user.password);
      expect(between.status).toBe(200);
      expect(await updateProfile(user.userId, 'Between')).toBe('updated');
      expect((await deleting).status).toBe(200);
      expect(await authorized(svc, sessionOf(between).accessToken)).toBe(false);
      expect(errorOf(await refresh(svc, sessionOf(between)))).toEqual([401, 13001009]);
      expect(await itemsNaming([user.userId])).toEqual({ users: [], verifications: [], sessions: [], rateLimits: [] });
    } finally {
      proxy.setPlan({});
      await proxy.stop();
    }
  });
});
