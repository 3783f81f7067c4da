// "Prove it holds": the API's one-of guarantees under many concurrent requests, through the real
// handlers against DynamoDB Local, checked afterwards in the tables themselves.
//   §1  one phone → one user, however many registrations race for it; one token → one registration
//   §2.2 a code takes at most CODE_MAX_ATTEMPTS wrong guesses and buys at most one token
//   §3.2 concurrent refreshes of one token leave one live refresh chain
import { GetCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client';
import { sha256 } from '../lib/secrets';
import {
  call,
  captchaToken,
  codeFromOutbox,
  configWith,
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

const tables = () => svc.deps.config.tables;
type Item = Record<string, unknown>;

const getItem = async (table: string, pk: string) =>
  (await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;

/** Every item of a table that passes the filter, across all pages. */
async function scanAll(table: string, filter: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'> = {}): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...filter, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const prefixed = (prefix: string, attribute: string, value: unknown) => ({
  FilterExpression: 'begins_with(pk, :prefix) AND #a = :value',
  ExpressionAttributeNames: { '#a': attribute },
  ExpressionAttributeValues: { ':prefix': prefix, ':value': value },
});

/** Mints `n` captcha tokens for one phone, `batch` at a time (the minter has no send limits). */
async function mintTokens(phone: string, n: number, batch = 10): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < n) {
    const size = Math.min(batch, n - tokens.length);
    tokens.push(...(await Promise.all(Array.from({ length: size }, () => captchaToken(phone)))));
  }
  return tokens;
}

const statuses = (answers: Answer[]) => answers.reduce<Record<number, number>>((h, a) => ((h[a.status] = (h[a.status] ?? 0) + 1), h), {});

const report = (what: string, answers: Answer[]) => process.stdout.write(`race ${what}: statuses ${JSON.stringify(statuses(answers))}\n`);

function expectNo5xx(answers: Answer[]) {
  expect(answers.filter((a) => a.status >= 500).map((a) => a.raw)).toEqual([]);
}

/**
 * No session whose user does not exist: a registration is all or nothing. (Refresh-token items are
 * not checked: they name only their session and outlive it until their TTL, docs/adr/0014.)
 */
async function expectNoOrphanSessions() {
  // A scan is no snapshot, and other suites register and delete users meanwhile: a session that
  // looks orphaned is read again with its user, one consistent read each, and is an orphan only if
  // it is still there and its user still is not.
  const scanPrefixed = (table: string, prefix: string) =>
    scanAll(table, { FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': prefix } });
  const sessions = await scanPrefixed(tables().sessions, 'SESSION#');
  const userIds = new Set((await scanPrefixed(tables().users, 'USER#')).map((u) => String(u['pk']).slice('USER#'.length)));
  const orphans: unknown[] = [];
  for (const session of sessions.filter((s) => !userIds.has(String(s['userId'])))) {
    const now = await getItem(tables().sessions, String(session['pk']));
    if (now && !(await getItem(tables().users, `USER#${String(now['userId'])}`))) orphans.push(now['pk']);
  }
  expect(orphans).toEqual([]);
}

describe('registration races (docs/API.md §1)', () => {
  it('50 concurrent registrations of one phone, each with its own token: one 200, 49 × 409, one user, one session, one token spent', async () => {
    const phone = randomPhone();
    const tokens = await mintTokens(phone, 50);
    const answers = await Promise.all(tokens.map((token) => call(svc.register, { body: registration(phone, token) })));
    report('50 registrations of one phone', answers);

    expectNo5xx(answers);
    expect(statuses(answers)).toEqual({ 200: 1, 409: 49 });
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body).toEqual({ code: 13001001, msg: 'The phone number is already registered.' });
    }
    const winnerAt = answers.findIndex((a) => a.status === 200);
    const winner = answers[winnerAt]!.body.data as { userId: string; sessionInfo: SessionInfo };

    // One user with that phone, one phone claim (the winner's).
    const users = await scanAll(tables().users, prefixed('USER#', 'phone', phone));
    expect(users.map((u) => u['pk'])).toEqual([`USER#${winner.userId}`]);
    expect(await getItem(tables().users, `PHONE#${phone}`)).toMatchObject({ userId: winner.userId });
    const claims = await scanAll(tables().users, { FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PHONE#${phone}` } });
    expect(claims).toHaveLength(1);

    // One session for the winner, and its one refresh token: the one answered.
    const sessions = await scanAll(tables().sessions, prefixed('SESSION#', 'userId', winner.userId));
    expect(sessions).toHaveLength(1);
    const winnerSession = String(sessions[0]?.['pk']).replace('SESSION#', '');
    const refreshes = await scanAll(tables().sessions, prefixed('REFRESH#', 'sessionId', winnerSession));
    expect(refreshes.map((r) => r['pk'])).toEqual([`REFRESH#${sha256(winner.sessionInfo.refreshToken)}`]);
    expect(sessions[0]).toMatchObject({ currentRefreshHash: sha256(winner.sessionInfo.refreshToken) });

    // Exactly the winner's token is spent, by the winner; the 49 others are untouched.
    const items = await Promise.all(tokens.map((t) => getItem(tables().verifications, `TOKEN#${sha256(t)}`)));
    expect(items.every((i) => i !== undefined)).toBe(true);
    expect(items[winnerAt]).toMatchObject({ usedBy: winner.userId });
    expect(items[winnerAt]?.['usedAt']).toEqual(expect.any(Number));
    const spent = items.filter((i) => i?.['usedAt'] !== undefined || i?.['usedBy'] !== undefined);
    expect(spent).toHaveLength(1);

    // A loser's token is still unspent: trying it again answers 409 again and burns nothing.
    const loserToken = tokens[(winnerAt + 1) % tokens.length]!;
    expect((await call(svc.register, { body: registration(phone, loserToken) })).status).toBe(409);
    expect((await getItem(tables().verifications, `TOKEN#${sha256(loserToken)}`))?.['usedAt']).toBeUndefined();

    await expectNoOrphanSessions();
  });

  it('50 concurrent registrations with one token (each request different): one 200, 49 × 400 13001002, one user', async () => {
    const phone = randomPhone();
    const [token] = await mintTokens(phone, 1);
    // Bodies differ (the name), so none is a retry of another: since "Retry-safe registration"
    // (lib/domain/registration.ts) an identical body with the spent token gets the same user back.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(svc.register, { body: registration(phone, String(token), { firstname: `Ann${i}` }) })),
    );
    report('50 registrations with one token', answers);

    expectNo5xx(answers);
    expect(statuses(answers)).toEqual({ 200: 1, 400: 49 });
    for (const loser of answers.filter((a) => a.status === 400)) {
      expect(loser.body).toEqual({ code: 13001002, msg: 'Invalid verification token.' });
    }
    const winnerAt = answers.findIndex((a) => a.status === 200);
    const userId = String(answers[winnerAt]!.body.data?.['userId']);

    const users = await scanAll(tables().users, prefixed('USER#', 'phone', phone));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ pk: `USER#${userId}`, firstname: `Ann${winnerAt}` });
    expect(await getItem(tables().users, `PHONE#${phone}`)).toMatchObject({ userId });
    expect(await getItem(tables().verifications, `TOKEN#${sha256(String(token))}`)).toMatchObject({ usedBy: userId });
    expect(await scanAll(tables().sessions, prefixed('SESSION#', 'userId', userId))).toHaveLength(1);
  });

  // docs/API.md §1 says a spent token can never "do anything again"; the retry rule lets an identical body
  // have the same user back with a fresh session. Whatever the answers, one user must result.
  it('50 concurrent identical registrations with one token (a retry storm): one user, every 200 names it', async () => {
    const phone = randomPhone();
    const [token] = await mintTokens(phone, 1);
    const body = registration(phone, String(token));
    const answers = await Promise.all(Array.from({ length: 50 }, () => call(svc.register, { body })));
    report('50 identical registrations with one token', answers);

    expectNo5xx(answers);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // A retry checks the password, and so spends one of the account's login tries: past them a
    // retry is told to wait (429), never that its token is invalid.
    for (const other of answers.filter((a) => a.status !== 200)) {
      expect(other.status).toBe(429);
      expect(Number(other.headers['Retry-After'])).toBeGreaterThan(0);
    }
    const userIds = new Set(ok.map((a) => String(a.body.data?.['userId'])));
    expect(userIds.size).toBe(1);
    const [userId] = [...userIds];

    const users = await scanAll(tables().users, prefixed('USER#', 'phone', phone));
    expect(users.map((u) => u['pk'])).toEqual([`USER#${userId}`]);
    // Each 200 carries its own session, and no session exists that no answer carried.
    const refreshTokens = ok.map((a) => (a.body.data?.['sessionInfo'] as SessionInfo).refreshToken);
    expect(new Set(refreshTokens).size).toBe(ok.length);
    const sessions = await scanAll(tables().sessions, prefixed('SESSION#', 'userId', userId));
    expect(sessions).toHaveLength(ok.length);
    const sessionIds = new Set(sessions.map((s) => String(s['pk']).replace('SESSION#', '')));
    const refreshes = (
      await scanAll(tables().sessions, {
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': 'REFRESH#' },
      })
    ).filter((r) => sessionIds.has(String(r['sessionId'])));
    expect(refreshes.map((r) => String(r['pk'])).sort()).toEqual(refreshTokens.map((t) => `REFRESH#${sha256(t)}`).sort());
    // The user's session index names exactly those sessions.
    const [user] = users;
    expect(Object.keys(user?.['sessions'] as object).sort()).toEqual([...sessionIds].sort());
  });
});

describe('code validation race (docs/API.md §2.2)', () => {
  it('50 concurrent guesses, every 5th right: at most 5 wrong ones counted, at most one token issued', async () => {
    const maxAttempts = svc.deps.config.limits.codeMaxAttempts;
    expect(maxAttempts).toBe(5);
    const phone = randomPhone();
    const sent = await call(svc.sendCode, { body: { phone, codeType: '1' } });
    expect(sent.status).toBe(200);
    const requestId = String(sent.body.data?.['requestId']);
    const code = codeFromOutbox(requestId);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const guesses = Array.from({ length: 50 }, (_, i) => (i % 5 === 4 ? code : wrong));
    const answers = await Promise.all(guesses.map((c) => call(svc.validateCode, { body: { requestId, code: c, codeType: '1' } })));
    report('50 code guesses', answers);

    expectNo5xx(answers);
    expect(
      Object.keys(statuses(answers))
        .map(Number)
        .every((s) => [200, 400, 429].includes(s)),
    ).toBe(true);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    for (const a of ok) expect(guesses[answers.indexOf(a)]).toBe(code);

    // The stored count never passes the limit, and the answered counts are exactly 1..that count:
    // every counted wrong guess was told its own number, none was told a number past the limit.
    const item = await getItem(tables().verifications, `CODE#${requestId}`);
    const failCount = Number(item?.['failCount']);
    expect(failCount).toBeLessThanOrEqual(maxAttempts);
    const answered = answers
      .map((a) => a.body.data?.['failCount'])
      .filter((n) => n !== undefined)
      .map(Number);
    expect(Math.max(0, ...answered)).toBeLessThanOrEqual(maxAttempts);
    expect([...answered].sort((a, b) => a - b)).toEqual(Array.from({ length: failCount }, (_, i) => i + 1));
    expect(item?.['redeemedAt'] !== undefined).toBe(ok.length === 1);

    // At most one token exists for this phone, and it is the one answered.
    const tokens = await scanAll(tables().verifications, prefixed('TOKEN#', 'phone', phone));
    expect(tokens.length).toBeLessThanOrEqual(1);
    expect(tokens.length).toBe(ok.length);
    if (ok[0]) expect(tokens[0]?.['pk']).toBe(`TOKEN#${sha256(String(ok[0].body.data?.['token']))}`);
  });
});

describe('refresh race (docs/API.md §3.2)', () => {
  it('20 concurrent refreshes of one token: every 200 the same successor, one live refresh token afterwards', async () => {
    const { session } = await registeredUser(svc);
    const first = await getItem(tables().sessions, `REFRESH#${sha256(session.refreshToken)}`);
    const sessionId = String(first?.['sessionId']);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(svc.refreshToken, {
          body: { refreshToken: session.refreshToken },
          headers: { Authorization: session.accessToken, 'Content-Type': 'application/json' },
        }),
      ),
    );
    report('20 refreshes', answers);

    expectNo5xx(answers);
    // Inside the grace window a repeated refresh is a retry: all of them succeed, with one successor.
    expect(statuses(answers)).toEqual({ 200: 20 });
    const successors = new Set(answers.map((a) => (a.body.data?.['sessionInfo'] as SessionInfo).refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor).not.toBe(session.refreshToken);

    // At most one live session chain: of the session's refresh tokens exactly one is current.
    const refreshes = await scanAll(tables().sessions, prefixed('REFRESH#', 'sessionId', sessionId));
    expect(refreshes.map((r) => String(r['pk'])).sort()).toEqual(
      [`REFRESH#${sha256(session.refreshToken)}`, `REFRESH#${sha256(successor)}`].sort(),
    );
    const current = refreshes.filter((r) => r['rotatedAt'] === undefined);
    expect(current.map((r) => r['pk'])).toEqual([`REFRESH#${sha256(successor)}`]);
    const stored = await getItem(tables().sessions, `SESSION#${sessionId}`);
    expect(stored).toMatchObject({ currentRefreshHash: sha256(successor) });

    // And the chain goes on from the successor.
    const next = await call(svc.refreshToken, {
      body: { refreshToken: successor },
      headers: { Authorization: session.accessToken, 'Content-Type': 'application/json' },
    });
    expect(next.status).toBe(200);
  });
});
