// Storage faults: DynamoDB slow, unreachable, throttling or failing. The service answers within the
// function's timeout, says 503 when it gave up, and leaves the tables holding whole registrations
// or nothing, whatever failed where.
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTables } from '../scripts/lib/create-tables';
import { freePort, startDynamoDbLocal } from '../scripts/lib/dynamodb-local';
import { stageEnvironment } from '../scripts/lib/local-env';
import { createDocumentClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import { sha256 } from '../lib/secrets';
import { call, captchaToken, configWith, randomPhone, registration, service, type Answer, type Service } from './helpers';
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

    // A scan is no snapshot: an account deleted (tests/user-delete.test.ts) while the tables were read
    // can show one of its items and not another. Whatever looks orphaned must be gone when read again.
    const get = async (table: string, pk: unknown) =>
      (await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
    const expectGoneNow = async (table: string, items: Array<Record<string, unknown>>) =>
      expect((await Promise.all(items.map((i) => get(table, i['pk'])))).filter(Boolean)).toEqual([]);

    // No claim without its user, no user without its claim.
    await expectGoneNow(
      tables.users,
      claims.filter((claim) => !userIds.has(String(claim['userId']))),
    );
    const claimedBy = new Set(claims.map((c) => String(c['userId'])));
    await expectGoneNow(
      tables.users,
      [...userIds].filter((id) => !claimedBy.has(id)).map((id) => ({ pk: keys.user(id) })),
    );
    // No spent token that names a user who does not exist (tokens spent for a login or a reset name
    // no one), no session without its user.
    const namingTokens = verifications.filter((i) => String(i['pk']).startsWith('TOKEN#') && i['usedBy'] !== undefined);
    await expectGoneNow(
      tables.verifications,
      namingTokens.filter((token) => !userIds.has(String(token['usedBy']))),
    );
    await expectGoneNow(
      tables.sessions,
      sessions.filter((i) => String(i['pk']).startsWith('SESSION#') && !userIds.has(String(i['userId']))),
    );
    // Every 200 is a stored user, and each phone of this test has at most one.
    for (const { userId } of registered) expect(userIds.has(String(userId))).toBe(true);
    for (const phone of phones) expect(claims.filter((c) => c['pk'] === `PHONE#${phone}`).length).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('DynamoDB going away', () => {
  it('recovers without a restart of its own when DynamoDB Local is stopped and started again', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'koodrive-restart-'));
    const port = await freePort();
    let dynamo = await startDynamoDbLocal({ port, dbPath });
    try {
      const endpoint = dynamo.endpoint;
      await createTables(endpoint, await stageEnvironment());
      const svc = await service({ env: { DYNAMODB_ENDPOINT: endpoint } });
      expect((await send(svc)).status).toBe(200);

      await dynamo.stop();
      expect((await send(svc)).status).toBe(503);

      dynamo = await startDynamoDbLocal({ port, dbPath });
      expect((await send(svc)).status).toBe(200);
    } finally {
      await dynamo.stop();
      rmSync(dbPath, { recursive: true, force: true });
    }
  }, 60_000);
});
