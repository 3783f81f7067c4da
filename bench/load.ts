// `npm run load`: autocannon against the local HTTP stack (serverless-offline on DynamoDB Local)
// with a mix of sign-ups, bad requests and code validations, at a fixed concurrency for a fixed
// time. Prints requests, latency percentiles and answers by status, then checks that every 200 of
// a sign-up has its user in the table. Exits non-zero on any 5xx or lost registration.
import autocannon from 'autocannon';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDocumentClient } from '../lib/store/client';
import { freePort } from '../scripts/dynamodb-local';
import { startServerless } from '../scripts/serverless-cli';
import { startTestStack } from '../scripts/test-stack';
import { Phones, benchDeps, machineLine, preparedRegistration, sentCode } from './lib';

const CONNECTIONS = Number(process.env['LOAD_CONNECTIONS'] ?? 8);
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 20);
const TOKENS = Number(process.env['LOAD_TOKENS'] ?? 400);
const CODES = 200;

type BadRequest = { path: string; body: string; headers?: Record<string, string> };
const BAD_REQUESTS: [BadRequest, ...BadRequest[]] = [
  { path: '/koodrive/ose/v1/user/register', body: '{"firstname":' },
  { path: '/koodrive/ose/v1/user/register', body: '{"firstname":"A","phone":"12","captchaToken":"x","password":"p"}' },
  { path: '/koodrive/ose/verify/code/send', body: '{"phone":"0027188460901","codeType":"9"}' },
  { path: '/koodrive/ose/verify/code/send', body: 'phone=1', headers: { 'content-type': 'text/plain' } },
  { path: '/koodrive/ose/v1/auth/login', body: '{"account":"0027188460901","authType":"3"}' },
];

async function main() {
  const stack = await startTestStack();
  const port = await freePort();
  const offline = startServerless(['offline', 'start', '--stage', 'local'], {
    PORT: String(port),
    OFFLINE_LAMBDA_PORT: String(await freePort()),
  });
  try {
    // Material made directly through the domain, on the same tables and key as the functions.
    const bench = await benchDeps();
    const config = bench.deps.config;
    const phones = new Phones('95');
    const signUps: string[] = [];
    for (let i = 0; i < TOKENS; i++) signUps.push(JSON.stringify(await preparedRegistration(bench, phones)));
    const pending: Array<{ requestId: string; code: string }> = [];
    for (let i = 0; i < CODES; i++) pending.push(await sentCode(bench, phones.next()));

    const url = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 90_000; ; ) {
      if (!offline.alive()) throw new Error(`serverless offline exited:\n${offline.output()}`);
      if (await fetch(url).then(() => true, () => false)) break;
      if (Date.now() > deadline) throw new Error('serverless offline did not start');
      await sleep(250);
    }

    // serverless-offline loads each function on its first request: not part of what is measured.
    for (const path of ['/koodrive/ose/v1/user/register', '/koodrive/ose/verify/code/validate', '/koodrive/ose/verify/code/send']) {
      await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    }

    const registered: string[] = [];
    const byKind: Record<string, Record<number, number>> = { register: {}, bad: {}, validate: {} };
    let next = 0;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (request: autocannon.Request, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            const roll = next++ % 10;
            const headers = { 'content-type': 'application/json', 'x-hw-agentname': 'load' };
            if (roll < 4 && signUps.length > 0) {
              context['kind'] = 'register';
              return { ...request, path: '/koodrive/ose/v1/user/register', headers, body: signUps.pop() };
            }
            const item = roll < 7 ? pending[Math.floor(Math.random() * pending.length)] : undefined;
            if (item) {
              context['kind'] = 'validate';
              const code = Math.random() < 0.2 ? item.code : String((Number(item.code) + 1) % 1_000_000).padStart(6, '0');
              return { ...request, path: '/koodrive/ose/verify/code/validate', headers, body: JSON.stringify({ requestId: item.requestId, code, codeType: '1' }) };
            }
            context['kind'] = 'bad';
            const bad = BAD_REQUESTS[next % BAD_REQUESTS.length] ?? BAD_REQUESTS[0];
            return { ...request, path: bad.path, headers: { ...headers, ...bad.headers }, body: bad.body };
          },
          onResponse: (status: number, body: string, ctx: object) => {
            const kind = String((ctx as Record<string, unknown>)['kind']);
            const counts = (byKind[kind] ??= {});
            counts[status] = (counts[status] ?? 0) + 1;
            if (kind === 'register' && status === 200) registered.push((JSON.parse(body) as { data: { userId: string } }).data.userId);
          },
        },
      ],
    });

    const db = createDocumentClient(config);
    let lost = 0;
    for (const userId of registered) {
      const { Item } = await db.send(new GetCommand({ TableName: config.tables.users, Key: { pk: `USER#${userId}` }, ConsistentRead: true }));
      if (!Item) lost++;
    }
    const statuses = Object.values(byKind).flatMap((counts) => Object.entries(counts));
    const fiveXX = statuses.filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);

    console.log(`${machineLine()}, bcrypt cost ${config.bcryptCost}`);
    console.log(`${CONNECTIONS} connections for ${SECONDS} s: ${result.requests.total} requests, ${result.non2xx} not 2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    console.log(`latency ms: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`);
    for (const [kind, counts] of Object.entries(byKind)) console.log(`  ${kind.padEnd(9)} ${JSON.stringify(counts)}`);
    console.log(`registrations answered 200: ${registered.length}, missing from the table: ${lost}; 5xx answers: ${fiveXX}`);
    if (fiveXX > 0 || lost > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    await offline.stop();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
