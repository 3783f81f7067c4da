// Storage faults: DynamoDB slow, unreachable, throttling or failing. The service answers within the
// function's timeout, says 503 when it gave up, and leaves the tables holding whole registrations
// or nothing, and each account exactly as before a password or phone change, a password reset
// or a deletion, or exactly as after, whatever failed where.
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTables } from '../scripts/lib/create-tables';
import { freePort, startDynamoDbLocal } from '../scripts/lib/dynamodb-local';
import { stageEnvironment } from '../scripts/lib/local-env';
import { createDocumentClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import { sha256 } from '../lib/secrets';
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
import { NO_LOGIN_LOCKOUT, NO_SEND_LIMITS } from './kit/env';
import { startFaultProxy, type FaultProxy, type InjectedCancellation, type InjectedError } from './tools/fault-proxy';

const FUNCTION_TIMEOUT_MS = 10_000; // serverless.yml provider.timeout

let proxy: FaultProxy;
let faulty: Service;
beforeAll(async () => {
  proxy = await startFaultProxy(String(process.env['DYNAMODB_ENDPOINT']));
  faulty = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
});
afterAll(() => proxy.stop());
afterEach(() => proxy.setPlan({}));

const send = (s: Service) => call(s.sendCode, { body: { phone: randomPhone(), codeType: '1' } });

describe('giving up in time', () => {
  it.each<InjectedError>(['ProvisionedThroughputExceededException', 'ThrottlingException', 'InternalServerError'])(
    'answers 503/13000500 with Retry-After once retries of %s are exhausted',
    async (type) => {
      proxy.setPlan({ error: { share: 1, type } });
      const before = proxy.counts.error;
      const answer = await send(faulty);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ code: 13000500, msg: 'Service busy. Try again later.' });
      expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
      expect(proxy.counts.error - before).toBeGreaterThan(1); // the SDK retried before giving up
    },
  );

  it('cuts a request that hangs and answers inside the function timeout', async () => {
    proxy.setPlan({ delay: { share: 1, ms: 30_000 } });
    const started = Date.now();
    const answer = await send(faulty);
    expect(answer.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(FUNCTION_TIMEOUT_MS);
  }, 20_000);

  it('rides out occasional faults with its retries', async () => {
    proxy.setPlan({ error: { share: 0.2, type: 'ThrottlingException' }, dropBefore: 0.1 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(faulty)));
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(8);
  });
});

describe('a cancelled transaction', () => {
  /** Whether register left anything for `phone`: its claim on the phone, its spend of the token. */
  async function written(phone: string, token: string) {
    const db = createDocumentClient(configWith()); // straight to DynamoDB, past the proxy
    const { tables } = faulty.deps.config;
    const get = async (TableName: string, pk: string) =>
      (await db.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item;
    const [claim, spend] = await Promise.all([get(tables.users, keys.phone(phone)), get(tables.verifications, keys.token(sha256(token)))]);
    return { claimed: claim !== undefined, tokenUsed: spend?.['usedAt'] !== undefined };
  }

  // Registration is one TransactWriteItems: DynamoDB cancels it, rather than refusing the request,
  // when one of its items is throttled or in another transaction's way.
  it.each<[InjectedCancellation, string]>([
    ['ThrottlingError', 'throttled'],
    ['TransactionConflict', 'in conflict past its retries'],
  ])('register cancelled with %s (%s) answers 503 with Retry-After, writes nothing, and may be retried', async (reason) => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    proxy.setPlan({ cancel: { share: 1, reason } });
    const before = proxy.counts.cancelled;
    const answer = await call(faulty.register, { body: registration(phone, token) });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ code: 13000500, msg: 'Service busy. Try again later.' });
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    const cancelled = proxy.counts.cancelled - before;
    if (reason === 'TransactionConflict')
      expect(cancelled).toBeGreaterThan(1); // conflicts are retried first
    else expect(cancelled).toBeGreaterThan(0);
    expect(await written(phone, token)).toEqual({ claimed: false, tokenUsed: false });

    proxy.setPlan({});
    expect((await call(faulty.register, { body: registration(phone, token) })).status).toBe(200);
    expect(await written(phone, token)).toEqual({ claimed: true, tokenUsed: true });
  });
});

describe('nothing half-written', () => {
  /** A client that retries 503s and lost answers, as the README tells clients to. */
  async function signUp(phone: string): Promise<{ answer: Answer; userId?: string }> {
    const token = await captchaToken(phone); // minted on the healthy path: the register write is under test
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 6; attempt++) {
      answer = await call(faulty.register, { body: registration(phone, token) });
      if (answer.status !== 503) break;
    }
    return { answer: answer!, userId: answer?.body.data?.['userId'] };
  }

  it('after faults at every point of the register write, every user is whole and every 200 is stored', async () => {
    proxy.setPlan({
      error: { share: 0.15, type: 'InternalServerError' },
      dropBefore: 0.1,
      dropAfter: 0.15,
      delay: { share: 0.1, ms: 2_500 },
    });
    const phones = Array.from({ length: 24 }, randomPhone);
    const results = await Promise.all(phones.map(signUp));
    proxy.setPlan({});
    expect(proxy.counts.dropAfter + proxy.counts.error + proxy.counts.dropBefore).toBeGreaterThan(0);

    // A lost answer (dropAfter) is followed by a retry of the same request: 200, never "invalid token".
    for (const { answer } of results) expect([200, 503]).toContain(answer.status);
    const registered = results.filter((r) => r.answer.status === 200);
    expect(registered.length).toBeGreaterThan(results.length / 2);

    const db = createDocumentClient(configWith());
    const scan = async (table: string) => (await db.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
    const tables = faulty.deps.config.tables;
    const [users, verifications, sessions] = await Promise.all([scan(tables.users), scan(tables.verifications), scan(tables.sessions)]);
    const userIds = new Set(users.filter((i) => String(i['pk']).startsWith('USER#')).map((i) => String(i['pk']).slice(5)));
    const claims = users.filter((i) => String(i['pk']).startsWith('PHONE#'));

    // A scan is no snapshot: an account registered or deleted (tests/user-delete.test.ts) while the
    // tables were read can show one of its items and not another. So whatever looks orphaned is read
    // again with its partner, one consistent read each: an orphan is an item still there whose
    // partner still is not.
    const get = async (table: string, pk: unknown) =>
      (await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
    const orphansNow = async (
      table: string,
      suspects: Array<Record<string, unknown>>,
      partnerOf: (item: Record<string, unknown>) => Promise<boolean>,
    ) => {
      const orphans: unknown[] = [];
      for (const suspect of suspects) {
        const item = await get(table, suspect['pk']);
        if (item !== undefined && !(await partnerOf(item))) orphans.push(item['pk']);
      }
      return orphans;
    };
    const userExists = async (id: unknown) => (await get(tables.users, keys.user(String(id)))) !== undefined;

    // No claim without its user, no user without its claim.
    expect(
      await orphansNow(
        tables.users,
        claims.filter((claim) => !userIds.has(String(claim['userId']))),
        (claim) => userExists(claim['userId']),
      ),
    ).toEqual([]);
    const claimedBy = new Set(claims.map((c) => String(c['userId'])));
    const unclaimed = [...userIds].filter((id) => !claimedBy.has(id)).map((id) => ({ pk: keys.user(id) }));
    expect(
      await orphansNow(
        tables.users,
        unclaimed,
        async (user) => (await get(tables.users, `PHONE#${String(user['phone'])}`))?.['userId'] === String(user['pk']).slice(5),
      ),
    ).toEqual([]);
    // No spent token that names a user who does not exist (tokens spent for a login or a reset name
    // no one), no session without its user.
    const namingTokens = verifications.filter((i) => String(i['pk']).startsWith('TOKEN#') && i['usedBy'] !== undefined);
    expect(
      await orphansNow(
        tables.verifications,
        namingTokens.filter((token) => !userIds.has(String(token['usedBy']))),
        (token) => userExists(token['usedBy']),
      ),
    ).toEqual([]);
    const sessionSuspects = sessions.filter((i) => String(i['pk']).startsWith('SESSION#') && !userIds.has(String(i['userId'])));
    expect(await orphansNow(tables.sessions, sessionSuspects, (session) => userExists(session['userId']))).toEqual([]);
    // Every 200 is a stored user, and each phone of this test has at most one.
    for (const { userId } of registered) expect(userIds.has(String(userId))).toBe(true);
    for (const phone of phones) expect(claims.filter((c) => c['pk'] === `PHONE#${phone}`).length).toBeLessThanOrEqual(1);
  }, 60_000);
});

// ---- The credential changes (docs/API.md §6.1, §6.5) ----

const NEW_PASSWORD = 'Changed-pw-42';
const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });
/** The session id an access token names (its `sid` claim). */
const sessionIdOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;

/** A user signed in on two devices (`caller` makes the change), and a phone-change token for a free number. */
interface Account {
  userId: string;
  phone: string;
  password: string;
  caller: SessionInfo;
  other: SessionInfo;
  newPhone: string;
  phoneToken: string;
}

async function account(via: Service, mintVia?: Service): Promise<Account> {
  const phone = randomPhone();
  const registered = await call(via.register, { body: registration(phone, await captchaToken(phone, '1', mintVia)), headers: agent });
  const { userId, sessionInfo: caller } = registered.body.data as { userId: string; sessionInfo: SessionInfo };
  const password = registration(phone, '').password;
  const login = await call(via.login, { body: { account: phone, authType: '1', password }, headers: agent });
  const other = login.body.data?.['sessionInfo'] as SessionInfo;
  const newPhone = randomPhone();
  return { userId, phone, password, caller, other, newPhone, phoneToken: await phoneChangeToken(newPhone, caller.accessToken, mintVia) };
}

const passwordChange = (s: Service, a: Account) =>
  call(s.passwordModify, {
    body: { oldPassword: a.password, newPassword: NEW_PASSWORD, userId: a.userId },
    headers: withAuth(a.caller.accessToken),
  });
const phoneChange = (s: Service, a: Account) =>
  call(s.phoneModify, {
    body: { userId: a.userId, newPhone: a.newPhone, captchaToken: a.phoneToken, password: a.password },
    headers: withAuth(a.caller.accessToken),
  });
const CHANGES = { passwordModify: passwordChange, phoneModify: phoneChange } as const;
type Change = keyof typeof CHANGES;

/**
 * What a change touches of an account, read straight from DynamoDB (past any proxy): the password,
 * the phone and both numbers' claims, the phone-change token, the session index and whether each
 * device's session lives.
 */
async function accountState(a: Account, endpoint = String(process.env['DYNAMODB_ENDPOINT'])) {
  const db = createDocumentClient(configWith({ DYNAMODB_ENDPOINT: endpoint }));
  const { tables } = faulty.deps.config;
  const get = async (TableName: string, pk: string) =>
    (await db.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item;
  try {
    const user = await get(tables.users, keys.user(a.userId));
    const hash = String(user?.['passwordHash']);
    const password = (await bcrypt.compare(a.password, hash)) ? 'old' : (await bcrypt.compare(NEW_PASSWORD, hash)) ? 'new' : 'neither';
    const claim = async (phone: string) => (await get(tables.users, keys.phone(phone)))?.['userId'] ?? null;
    const live = async (s: SessionInfo) => (await get(tables.sessions, keys.session(sessionIdOf(s.accessToken)))) !== undefined;
    return {
      password,
      phone: user?.['phone'],
      claims: { old: await claim(a.phone), new: await claim(a.newPhone) },
      tokenUsedBy: (await get(tables.verifications, keys.token(sha256(a.phoneToken))))?.['usedBy'] ?? null,
      index: Object.keys((user?.['sessions'] ?? {}) as object).sort(),
      live: { caller: await live(a.caller), other: await live(a.other) },
    };
  } finally {
    db.destroy();
  }
}

/** The account as it was, and as each change leaves it: nothing else may be found afterwards. */
function expectedStates(a: Account) {
  const both = [sessionIdOf(a.caller.accessToken), sessionIdOf(a.other.accessToken)].sort();
  const before = {
    password: 'old',
    phone: a.phone,
    claims: { old: a.userId, new: null },
    tokenUsedBy: null,
    index: both,
    live: { caller: true, other: true },
  };
  const signedOutElsewhere = { index: [sessionIdOf(a.caller.accessToken)], live: { caller: true, other: false } };
  return {
    before,
    after: {
      passwordModify: { ...before, ...signedOutElsewhere, password: 'new' },
      phoneModify: { ...before, ...signedOutElsewhere, phone: a.newPhone, claims: { old: null, new: a.userId }, tokenUsedBy: a.userId },
    },
  };
}

describe('a credential change, whatever failed where', () => {
  let healthy: Service;
  // Through the proxy; retried requests spend login tries, so none are counted here.
  let changing: Service;
  beforeAll(async () => {
    healthy = await service();
  });
  // A container of its own per test: what one test's faults leave in a DynamoDB client (its retry
  // quota, its pooled sockets) does not carry into the next.
  beforeEach(async () => {
    changing = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint, ...NO_LOGIN_LOCKOUT } });
  });

  it.each<[Change, InjectedCancellation]>([
    ['passwordModify', 'ThrottlingError'],
    ['passwordModify', 'TransactionConflict'],
    ['phoneModify', 'ThrottlingError'],
    ['phoneModify', 'TransactionConflict'],
  ])('%s cancelled with %s answers 503, changes nothing, and may be retried', async (change, reason) => {
    const a = await account(healthy);
    const { before, after } = expectedStates(a);
    proxy.setPlan({ cancel: { share: 1, reason } });
    const answer = await CHANGES[change](changing, a);
    expect([answer.status, answer.body.code]).toEqual([503, 13000500]);
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    expect(await accountState(a)).toEqual(before);

    proxy.setPlan({});
    expect((await CHANGES[change](changing, a)).status).toBe(200);
    expect(await accountState(a)).toEqual(after[change]);
  });

  it.each<Change>(['passwordModify', 'phoneModify'])(
    'after faults at every point of %s, each account is exactly as before or exactly as after, and every 200 is after',
    async (change) => {
      const accounts = await Promise.all(Array.from({ length: 10 }, () => account(healthy)));
      /** A client that retries 503s, as the README tells clients to. */
      const changeRetrying = async (a: Account) => {
        let answer: Answer | undefined;
        for (let attempt = 0; attempt < 6 && (answer === undefined || answer.status === 503); attempt++) {
          answer = await CHANGES[change](changing, a);
        }
        return answer!;
      };
      // Lighter than the registration's plan: a phone change makes about twice its storage calls, and
      // at that plan's rate most changes used up their retries (three attempts a call, and the
      // SDK's retry quota, shared by the container) and answered 503 six times over.
      proxy.setPlan({
        error: { share: 0.08, type: 'InternalServerError' },
        dropBefore: 0.05,
        dropAfter: 0.1,
        delay: { share: 0.05, ms: 2_500 },
      });
      const before = { ...proxy.counts };
      const answers = await Promise.all(accounts.map(changeRetrying));
      proxy.setPlan({});
      expect(proxy.counts.dropAfter - before.dropAfter + proxy.counts.dropBefore - before.dropBefore).toBeGreaterThan(0);

      for (const [i, a] of accounts.entries()) {
        const answer = answers[i]!;
        const states = expectedStates(a);
        const state = await accountState(a);
        expect([states.before, states.after[change]]).toContainEqual(state);
        if (answer.status === 200) expect(state).toEqual(states.after[change]);
        // A retry after a 503 whose change had been written finds the old password no longer right.
        if (answer.status === 401) expect([change, state]).toEqual(['passwordModify', states.after.passwordModify]);
        expect([200, 401, 503]).toContain(answer.status);
      }
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(accounts.length / 2);
    },
    60_000,
  );
});

describe('a password reset and a deletion under faults (docs/API.md §6.2, §6.6)', () => {
  const RESET_PASSWORD = 'N3w-Passw0rd';
  const direct = createDocumentClient(configWith()); // past the proxy
  const item = async (table: string, pk: string) =>
    (await direct.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;

  /** A user with two sessions, its session ids, and a password-reset token for its phone. */
  async function endingAccount() {
    const user = await registeredUser(healthy);
    await call(healthy.login, { body: { account: user.phone, authType: '1', password: user.password } });
    const sessionIds = Object.keys((await item(healthy.deps.config.tables.users, keys.user(user.userId)))?.['sessions'] as object);
    expect(sessionIds).toHaveLength(2);
    return { ...user, sessionIds, token: await captchaToken(user.phone, '3') };
  }
  type Ending = Awaited<ReturnType<typeof endingAccount>>;
  let healthy: Service;
  beforeAll(async () => {
    healthy = await service();
  });

  /** What a reset writes, as read back: each part either as before it or as after it. */
  async function resetState(a: Ending) {
    const tables = healthy.deps.config.tables;
    const user = await item(tables.users, keys.user(a.userId));
    const sessions = await Promise.all(a.sessionIds.map((id) => item(tables.sessions, keys.session(id))));
    return {
      newPassword: await bcrypt.compare(RESET_PASSWORD, String(user?.['passwordHash'])),
      indexed: Object.keys(user?.['sessions'] as object).length,
      sessions: sessions.filter(Boolean).length,
      tokenSpent: (await item(tables.verifications, keys.token(sha256(a.token))))?.['usedAt'] !== undefined,
    };
  }
  const RESET_BEFORE = { newPassword: false, indexed: 2, sessions: 2, tokenSpent: false };
  const RESET_AFTER = { newPassword: true, indexed: 0, sessions: 0, tokenSpent: true };

  /** What a deletion removes, as read back. */
  async function deletionState(a: Ending) {
    const tables = healthy.deps.config.tables;
    const sessions = await Promise.all(a.sessionIds.map((id) => item(tables.sessions, keys.session(id))));
    return {
      user: (await item(tables.users, keys.user(a.userId))) !== undefined,
      claim: (await item(tables.users, keys.phone(a.phone))) !== undefined,
      sessions: sessions.filter(Boolean).length,
    };
  }
  const DELETION_BEFORE = { user: true, claim: true, sessions: 2 };
  const DELETION_AFTER = { user: false, claim: false, sessions: 0 };

  const reset = (s: Service, a: Ending) =>
    call(s.passwordReset, { body: { phoneNumber: a.phone, captchaToken: a.token, newPwd: RESET_PASSWORD } });
  const remove = (s: Service, a: Ending) =>
    call(s.userDelete, { method: 'DELETE', query: { userId: a.userId }, headers: { Authorization: a.session.accessToken } });

  it.each<[InjectedCancellation, string]>([
    ['ThrottlingError', 'throttled'],
    ['TransactionConflict', 'in conflict past its retries'],
  ])('cancelled with %s (%s), each answers 503, changes nothing, and may be retried', async (reason) => {
    const a = await endingAccount();
    proxy.setPlan({ cancel: { share: 1, reason } });
    for (const act of [reset, remove]) {
      const answer = await act(faulty, a);
      expect([answer.status, answer.body.code]).toEqual([503, 13000500]);
      expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    }
    expect(await resetState(a)).toEqual(RESET_BEFORE);
    expect(await deletionState(a)).toEqual(DELETION_BEFORE);

    proxy.setPlan({});
    expect((await reset(faulty, a)).status).toBe(200);
    expect(await resetState(a)).toEqual(RESET_AFTER);
    // The reset ended the session the deletion would have used: log in again, as a client would.
    const session = (await call(healthy.login, { body: { account: a.phone, authType: '1', password: RESET_PASSWORD } })).body.data?.[
      'sessionInfo'
    ] as { accessToken: string };
    const relogged = { ...a, session: { ...a.session, accessToken: session.accessToken } };
    relogged.sessionIds = Object.keys((await item(healthy.deps.config.tables.users, keys.user(a.userId)))?.['sessions'] as object);
    expect((await remove(faulty, relogged)).status).toBe(200);
    expect(await deletionState(relogged)).toEqual({ user: false, claim: false, sessions: 0 });
  });

  it('after faults at every point of their writes, every account is exactly as before or as after, and every 200 is after', async () => {
    const accounts: Ending[] = [];
    for (let i = 0; i < 16; i++) accounts.push(await endingAccount()); // on the healthy path, one at a time
    const [resetting, deleting] = [accounts.slice(0, 8), accounts.slice(8)];
    proxy.setPlan({
      error: { share: 0.15, type: 'InternalServerError' },
      dropBefore: 0.1,
      dropAfter: 0.15,
      delay: { share: 0.1, ms: 2_500 },
    });
    /** A client that retries 503s and lost answers, as the README tells clients to. */
    const retrying = async (act: () => Promise<Answer>) => {
      const answers: Answer[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        answers.push(await act());
        if (answers.at(-1)!.status !== 503) break;
      }
      return answers;
    };
    const [resets, deletions] = await Promise.all([
      Promise.all(resetting.map((a) => retrying(() => reset(faulty, a)))),
      Promise.all(deleting.map((a) => retrying(() => remove(faulty, a)))),
    ]);
    proxy.setPlan({});
    expect(proxy.counts.dropAfter + proxy.counts.error + proxy.counts.dropBefore).toBeGreaterThan(0);

    for (const [i, a] of resetting.entries()) {
      const state = await resetState(a);
      expect([RESET_BEFORE, RESET_AFTER]).toContainEqual(state);
      const last = resets[i]!.at(-1)!;
      // A retry after a lost answer finds its token spent by the attempt that went through: 13001002, and the reset done.
      expect([200, 400, 503]).toContain(last.status);
      if (last.status !== 503) expect(state).toEqual(RESET_AFTER);
      if (last.status === 400) expect(last.body.code).toBe(13001002);
    }
    for (const [i, a] of deleting.entries()) {
      const state = await deletionState(a);
      expect([DELETION_BEFORE, DELETION_AFTER]).toContainEqual(state);
      const last = deletions[i]!.at(-1)!;
      // A retry after a lost answer finds the session that asked ended with the account: 13001010, and the deletion done.
      expect([200, 401, 503]).toContain(last.status);
      if (last.status !== 503) expect(state).toEqual(DELETION_AFTER);
      if (last.status === 401) expect(last.body.code).toBe(13001010);
    }
    // Each request reads before it writes, so more of them meet a fault than a registration does; some get through.
    expect(resets.filter((r) => r.at(-1)!.status !== 503).length).toBeGreaterThan(0);
    expect(deletions.filter((r) => r.at(-1)!.status !== 503).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('DynamoDB going away', () => {
  it('recovers without a restart of its own when DynamoDB Local is stopped and started again', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'koodrive-restart-'));
    const port = await freePort();
    let dynamo = await startDynamoDbLocal({ port, dbPath });
    try {
      const endpoint = dynamo.endpoint;
      await createTables(endpoint, await stageEnvironment());
      const svc = await service({ env: { DYNAMODB_ENDPOINT: endpoint, ...NO_SEND_LIMITS } });
      expect((await send(svc)).status).toBe(200);

      await dynamo.stop();
      expect((await send(svc)).status).toBe(503);

      dynamo = await startDynamoDbLocal({ port, dbPath });
      expect((await send(svc)).status).toBe(200);

      // A reset and a deletion while it is gone: refused whole, and done whole once it is back.
      const signUp = async () => {
        const phone = randomPhone();
        const registered = await call(svc.register, { body: registration(phone, await captchaToken(phone, '1', svc)) });
        return { phone, ...(registered.body.data as { userId: string; sessionInfo: { accessToken: string } }) };
      };
      const [resetting, deleting] = [await signUp(), await signUp()];
      const token = await captchaToken(resetting.phone, '3', svc);
      const reset = () => call(svc.passwordReset, { body: { phoneNumber: resetting.phone, captchaToken: token, newPwd: 'N3w-Passw0rd' } });
      const remove = () =>
        call(svc.userDelete, {
          method: 'DELETE',
          query: { userId: deleting.userId },
          headers: { Authorization: deleting.sessionInfo.accessToken },
        });
      const login = (phone: string, password: string) => call(svc.login, { body: { account: phone, authType: '1', password } });
      await dynamo.stop();
      expect([(await reset()).status, (await remove()).status]).toEqual([503, 503]);
      dynamo = await startDynamoDbLocal({ port, dbPath });
      expect((await login(resetting.phone, '01ASDAa1')).status).toBe(200);
      expect((await login(deleting.phone, '01ASDAa1')).status).toBe(200);
      expect([(await reset()).status, (await remove()).status]).toEqual([200, 200]);
      expect((await login(resetting.phone, 'N3w-Passw0rd')).status).toBe(200);
      expect((await login(deleting.phone, '01ASDAa1')).body.code).toBe(13001008);
    } finally {
      await dynamo.stop();
      rmSync(dbPath, { recursive: true, force: true });
    }
  }, 120_000);

  it('leaves an account whole when DynamoDB Local goes away under a password and a phone change, which then succeed', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'koodrive-restart-'));
    const port = await freePort();
    let dynamo = await startDynamoDbLocal({ port, dbPath });
    try {
      const endpoint = dynamo.endpoint;
      await createTables(endpoint, await stageEnvironment());
      const svc = await service({ env: { DYNAMODB_ENDPOINT: endpoint } });
      const a = await account(svc, svc);
      const { before } = expectedStates(a);

      await dynamo.stop();
      for (const change of [passwordChange, phoneChange]) expect((await change(svc, a)).status).toBe(503);

      dynamo = await startDynamoDbLocal({ port, dbPath });
      expect(await accountState(a, endpoint)).toEqual(before);
      expect((await passwordChange(svc, a)).status).toBe(200);
      expect((await phoneChange(svc, { ...a, password: NEW_PASSWORD })).status).toBe(200);
      const { after } = expectedStates(a);
      expect(await accountState(a, endpoint)).toEqual({ ...after.phoneModify, password: 'new' });
    } finally {
      await dynamo.stop();
      rmSync(dbPath, { recursive: true, force: true });
    }
  }, 90_000);
});
