// Scale: register with 1,000 users in the users table and with many (100,000 by default), and the
// database round trips of one successful request. Each size gets its own users table (the other
// tables are shared), seeded directly with BatchWriteItem — a phone claim and a user item per
// user, as registerUser writes them — so that the two sizes can be measured interleaved.
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import bcrypt from 'bcryptjs';
import { nextId } from '../lib/ids';
import { createDynamoClient } from '../lib/store/client';
import { keys } from '../lib/store/dynamo/shared';
import { createTables } from '../scripts/lib/create-tables';
import { captchaToken, sentCode } from '../tests/kit/codes';
import { Phones } from '../tests/kit/phones';
import type { InProcessService } from '../tests/kit/service';
import { freshRegistration, openSession, PASSWORD, registeredUser } from '../tests/kit/users';
import { isRead, startCountingProxy } from '../tests/kit/counting-proxy';
import { authorized, benchService, median, pool, progress, timeHandler, type Handler } from './lib';
import { fmt, type SectionResult, type Table, type Target } from './report-model';

export const SCALE_RATIO_TARGET = 1.1;
const SMALL = 1_000;
const BATCH = 25; // BatchWriteItem's limit: 12 users (24 items) per request
const SEED_CONCURRENCY = 32;
const COUNT_ROUNDS = 10;

async function seedUsers(table: string, count: number, phonePrefix: string) {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: process.env['DYNAMODB_ENDPOINT'] });
  const passwordHash = await bcrypt.hash(PASSWORD, 4); // a real hash's size; its cost does not matter here
  const perRequest = Math.floor(BATCH / 2);
  const requests = Math.ceil(count / perRequest);
  const t = performance.now();
  let done = 0;
  try {
    await pool(requests, SEED_CONCURRENCY, async (r) => {
      const writes: WriteRequest[] = [];
      for (let i = r * perRequest; i < Math.min(count, (r + 1) * perRequest); i++) {
        const userId = nextId();
        const phone = `00${phonePrefix}${String(i).padStart(9, '0')}`;
        const createdAt = { N: String(Date.now()) };
        writes.push(
          { PutRequest: { Item: { pk: { S: keys.phone(phone) }, userId: { S: userId }, createdAt } } },
          {
            PutRequest: {
              Item: {
                pk: { S: keys.user(userId) },
                phone: { S: phone },
                firstname: { S: 'Seeded' },
                surname: { S: '' },
                email: { S: '' },
                passwordHash: { S: passwordHash },
                createdAt,
              },
            },
          },
        );
      }
      let pending: Record<string, WriteRequest[]> | undefined = { [table]: writes };
      for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * attempt)));
        pending = (await client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
      }
      done++;
      if (requests >= 1000 && done % Math.floor(requests / 5) === 0) progress(`    seeded ${Math.round((done / requests) * 100)}%`);
    });
  } finally {
    client.destroy();
  }
  const seconds = (performance.now() - t) / 1000;
  progress(`  seeded ${count.toLocaleString('en')} users into ${table} in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Register into the small and the big table in turn (order alternating): medians of each. */
async function interleavedSizes(small: InProcessService, big: InProcessService, phones: Phones, rounds: number, warmup = 3) {
  const handlers = [small.handlers.register, big.handlers.register] as const;
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < warmup + rounds; round++) {
    const bodies = [await freshRegistration(small, phones.next()), await freshRegistration(big, phones.next())];
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const ms = await timeHandler(handlers[which as 0 | 1], { body: bodies[which] });
      if (round >= warmup) times[which as 0 | 1].push(ms);
    }
  }
  return { small: median(times[0]), big: median(times[1]) };
}

interface Trips {
  endpoint: string;
  perRequest: Record<string, number>;
  reads: number;
  writes: number;
  consistent: boolean;
}

/** One request through the counting proxy, prepared before the count starts. */
type Run = () => Promise<void>;

/** Round trips of `count` successful calls through the counting proxy: each call's must be the same. */
async function countTrips(
  endpoint: string,
  count: number,
  call: () => Run | Promise<Run>,
  proxy: Awaited<ReturnType<typeof startCountingProxy>>,
): Promise<Trips> {
  const seen: string[] = [];
  let last: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const run = await call(); // prepared outside the count (tokens, codes, sessions)
    proxy.reset();
    await run();
    last = proxy.counts();
    seen.push(JSON.stringify(Object.entries(last).sort()));
  }
  const total = (pick: (op: string) => boolean) => Object.entries(last).reduce((n, [op, c]) => n + (pick(op) ? c : 0), 0);
  return { endpoint, perRequest: last, reads: total(isRead), writes: total((op) => !isRead(op)), consistent: new Set(seen).size === 1 };
}

export async function scale(options: { users: number; rounds: number; cost: number }): Promise<SectionResult> {
  const base = String(process.env['USERS_TABLE']);
  const tables = { small: `${base}-bench-1k`, big: `${base}-bench-${Math.round(options.users / 1000)}k` };
  const endpoint = String(process.env['DYNAMODB_ENDPOINT']);
  for (const table of Object.values(tables)) {
    await createTables(endpoint, { ...(process.env as Record<string, string>), USERS_TABLE: table });
  }
  const seedSmall = await seedUsers(tables.small, SMALL, '31');
  const seedBig = await seedUsers(tables.big, options.users, '32');

  const phones = new Phones('83');
  const results: Array<{ cost: number; small: number; big: number }> = [];
  for (const cost of [options.cost, 4]) {
    const small = await benchService({ BCRYPT_COST: String(cost), USERS_TABLE: tables.small });
    const big = await benchService({ BCRYPT_COST: String(cost), USERS_TABLE: tables.big });
    const r = await interleavedSizes(small, big, phones, options.rounds);
    progress(`  cost ${cost}: register p50 ${fmt(r.small)} ms at 1k users, ${fmt(r.big)} ms at ${tables.big.split('-').at(-1)}`);
    results.push({ cost, ...r });
  }

  // Round trips: handlers on deps whose client goes through the counting proxy; tokens, codes and
  // sessions are minted beforehand on deps that do not.
  const proxy = await startCountingProxy(endpoint);
  const trips: Trips[] = [];
  try {
    const minter = await benchService({ BCRYPT_COST: '4' });
    const h = (await benchService({ BCRYPT_COST: '4', DYNAMODB_ENDPOINT: proxy.endpoint })).handlers;
    // Each counted request comes from an address of its own, as API Gateway always names one: a
    // password check then spends and gives back the source's budget too (ADR 0015), and no
    // address's hourly caps fill over the rounds. 198.18.0.0/15 is the benchmarking range (RFC 2544).
    let sources = 0;
    const ok =
      (handler: Handler, options: Parameters<typeof timeHandler>[1]): Run =>
      async () => {
        sources += 1;
        await timeHandler(handler, { sourceIp: `198.18.${sources >> 8}.${sources & 255}`, ...options });
      };
    trips.push(
      await countTrips(
        'register',
        COUNT_ROUNDS,
        async () => ok(h.register, { body: await freshRegistration(minter, phones.next()) }),
        proxy,
      ),
    );
    // A registration code (codeType 1): one transaction. A login or reset code adds the read of the
    // phone's claim, a phone-change code that and its session's revocation (bench/abuse.ts counts each).
    trips.push(await countTrips('send-code', COUNT_ROUNDS, () => ok(h.sendCode, { body: { phone: phones.next(), codeType: '1' } }), proxy));
    trips.push(
      await countTrips(
        'validate-code',
        COUNT_ROUNDS,
        async () => {
          const { requestId, code } = await sentCode(minter, phones.next());
          return ok(h.validateCode, { body: { requestId, code, codeType: '1' } });
        },
        proxy,
      ),
    );
    const account = await freshRegistration(minter, phones.next());
    await timeHandler(minter.handlers.register, { body: account });
    trips.push(
      await countTrips(
        'login (authType 1)',
        COUNT_ROUNDS,
        () => ok(h.login, { body: { account: account.phone, authType: '1', password: PASSWORD } }),
        proxy,
      ),
    );
    trips.push(
      await countTrips(
        'refresh',
        COUNT_ROUNDS,
        async () => {
          const session = await openSession(minter.deps);
          return ok(h.refreshToken, { body: { refreshToken: session.refreshToken }, headers: authorized(session.accessToken) });
        },
        proxy,
      ),
    );
    // The profile: a user of its own, its session live; the revocation read, then the user's item.
    const reader = await registeredUser(minter);
    const asReader = authorized(reader.session.accessToken);
    trips.push(
      await countTrips(
        'user info (read)',
        COUNT_ROUNDS,
        () => ok(h.userInfo, { method: 'GET', query: { userId: reader.userId }, headers: asReader }),
        proxy,
      ),
    );
    trips.push(
      await countTrips(
        'user info (update)',
        COUNT_ROUNDS,
        () => ok(h.updateUserInfo, { method: 'PUT', body: { userId: reader.userId, firstname: 'Bench' }, headers: asReader }),
        proxy,
      ),
    );
    // The credential changes (docs/API.md §6.1, §6.5): a fresh user each, its password being changed.
    trips.push(
      await countTrips(
        'password modify',
        COUNT_ROUNDS,
        async () => {
          const user = await registeredUser(minter);
          const body = { oldPassword: user.password, newPassword: 'Bench-new-pw-1', userId: user.userId };
          return ok(h.passwordModify, { body, headers: authorized(user.session.accessToken) });
        },
        proxy,
      ),
    );
    trips.push(
      await countTrips(
        'phone modify',
        COUNT_ROUNDS,
        async () => {
          const user = await registeredUser(minter);
          const newPhone = phones.next();
          const token = await captchaToken(minter, newPhone, '4', user.session.accessToken);
          const body = { userId: user.userId, newPhone, captchaToken: token, password: user.password };
          return ok(h.phoneModify, { body, headers: authorized(user.session.accessToken) });
        },
        proxy,
      ),
    );
    trips.push(
      await countTrips(
        'password reset',
        COUNT_ROUNDS,
        async () => {
          const user = await freshRegistration(minter, phones.next());
          await timeHandler(minter.handlers.register, { body: user });
          const token = await captchaToken(minter, user.phone, '3');
          return ok(h.passwordReset, { body: { phoneNumber: user.phone, captchaToken: token, newPwd: 'N3w-Passw0rd' } });
        },
        proxy,
      ),
    );
    trips.push(
      await countTrips(
        'user delete',
        COUNT_ROUNDS,
        async () => {
          const session = await openSession(minter.deps);
          return ok(h.userDelete, { method: 'DELETE', query: { userId: session.userId }, headers: { Authorization: session.accessToken } });
        },
        proxy,
      ),
    );
  } finally {
    await proxy.stop();
  }

  return report(results, trips, options, { small: seedSmall, big: seedBig });
}

function report(
  results: Array<{ cost: number; small: number; big: number }>,
  trips: Trips[],
  options: { users: number; rounds: number; cost: number },
  seeding: { small: number; big: number },
): SectionResult {
  const bigLabel = `${options.users.toLocaleString('en')} users`;
  const latency: Table = {
    title: `Register p50 by users-table size (ms), ${options.rounds} interleaved rounds`,
    headers: ['bcrypt cost', '1,000 users', bigLabel, 'ratio'],
    rows: results.map((r) => [String(r.cost), fmt(r.small), fmt(r.big), fmt(r.big / r.small, 3)]),
  };
  const tripTable: Table = {
    title: `Database round trips per successful request (counted on the wire, ${COUNT_ROUNDS} requests each)`,
    headers: ['endpoint', 'round trips', 'reads', 'writes', 'by operation', 'same every request'],
    rows: trips.map((t) => [
      t.endpoint,
      String(t.reads + t.writes),
      String(t.reads),
      String(t.writes),
      Object.entries(t.perRequest)
        .map(([op, n]) => `${op} ${n}`)
        .join(', '),
      t.consistent ? 'yes' : 'no',
    ]),
  };
  const main = results.find((r) => r.cost === options.cost);
  const register = trips.find((t) => t.endpoint === 'register');
  if (!main || !register) throw new Error('scale: no register figures to judge');
  const passwordLogin = trips.find((t) => t.endpoint === 'login (authType 1)');
  const targets: Target[] = [
    {
      name: `register p50 at ${bigLabel} ÷ at 1,000 users (cost ${options.cost})`,
      target: `≤ ${SCALE_RATIO_TARGET.toFixed(2)}`,
      measured: fmt(main.big / main.small, 3),
      pass: main.big / main.small <= SCALE_RATIO_TARGET,
    },
    {
      name: 'write round trips per successful registration',
      target: 'exactly 1 (TransactWriteItems)',
      measured: `${register.writes} write (${Object.keys(register.perRequest)
        .filter((op) => !isRead(op))
        .join(', ')}), ${register.reads} reads`,
      pass: register.writes === 1 && register.perRequest['TransactWriteItems'] === 1 && register.consistent,
    },
    // A credential change checks the password as a login does, then writes once.
    ...trips
      .filter((t) => t.endpoint.endsWith(' modify'))
      .map((t) => ({
        name: `write round trips per successful ${t.endpoint}`,
        target: `a password login's (${passwordLogin?.writes ?? '?'}): its password check's, then one TransactWriteItems`,
        measured: `${t.writes} writes, ${t.reads} reads`,
        pass: t.writes === passwordLogin?.writes && t.perRequest['TransactWriteItems'] === 1 && t.consistent,
      })),
  ];
  return {
    title: 'Scale and round trips',
    tables: [latency, tripTable],
    targets,
    notes: [
      `Each size has its own users table (USERS_TABLE-bench-1k / -bench-${Math.round(options.users / 1000)}k), seeded with BatchWriteItem (phone claim + user item per user) in ${fmt(seeding.small)} s and ${fmt(seeding.big)} s; the other tables are shared. The cost-4 row makes the database's share of a registration visible.`,
      'DynamoDB Local keeps items in SQLite (B-tree on the key): lookups grow with log(n). DynamoDB hashes keys to partitions, so its latency does not depend on the table size.',
      'Round trips: the handlers run on deps whose DynamoDB endpoint is a counting proxy (tests/kit/counting-proxy.ts) in front of DynamoDB Local; every HTTP request is counted by its X-Amz-Target, SDK retries included. Tokens, codes and sessions are minted beforehand through a client that bypasses the proxy.',
    ],
    panels: [
      {
        title: `Register p50 (ms): ${bigLabel} (dark) vs 1,000 users (light)`,
        unit: 'ms',
        legend: [bigLabel, '1,000 users'],
        bars: results.map((r) => ({
          label: `cost ${r.cost}`,
          value: r.big,
          under: r.small,
          text: `${fmt(r.big)} vs ${fmt(r.small)} ms (${fmt(r.big / r.small, 3)}×)`,
        })),
      },
    ],
  };
}
