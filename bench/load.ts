// `npm run load`: autocannon against the local HTTP stack (serverless-offline on DynamoDB Local)
// with a mix of sign-ups, bad requests and code validations, at a fixed concurrency for a fixed
// time. Prints requests, latency percentiles and answers by status, then checks through the API
// that every sign-up answered 200 can log in as the user it created. Exits non-zero on any 5xx or
// lost registration. The typed client prepares the material and makes the checks.
import autocannon from 'autocannon';
import { createClient, KooDriveError, type KooDriveClient } from '../client';
import { routes } from '../infra/routes.cjs';
import { startOfflineApi } from '../scripts/lib/serverless-cli';
import { sentCode, wrongCode } from '../tests/kit/codes';
import { Phones } from '../tests/kit/phones';
import { startTestStack } from '../tests/kit/stack';
import { freshRegistration, PASSWORD } from '../tests/kit/users';
import { benchService, machineLine, pool } from './lib';

const CONNECTIONS = Number(process.env['LOAD_CONNECTIONS'] ?? 8);
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 20);
const TOKENS = Number(process.env['LOAD_TOKENS'] ?? 400);
const CODES = 200;
const AGENT = 'load';

type BadRequest = { path: string; body: string; headers?: Record<string, string> };
const BAD_REQUESTS: [BadRequest, ...BadRequest[]] = [
  { path: routes.register.path, body: '{"firstname":' },
  { path: routes.register.path, body: '{"firstname":"A","phone":"12","captchaToken":"x","password":"p"}' },
  { path: routes.sendCode.path, body: '{"phone":"0027188460901","codeType":"9"}' },
  { path: routes.sendCode.path, body: 'phone=1', headers: { 'content-type': 'text/plain' } },
  { path: routes.login.path, body: '{"account":"0027188460901","authType":"3"}' },
];

/** Whether a sign-up answered 200 can log in with its password, as the same user. */
async function canLogIn(client: KooDriveClient, user: { userId: string; phone: string }): Promise<boolean> {
  try {
    return (await client.login({ account: user.phone, authType: '1', password: PASSWORD })).userInfo.userId === user.userId;
  } catch (error) {
    if (error instanceof KooDriveError && error.kind === 'badCredentials') return false;
    throw error;
  }
}

async function main() {
  const stack = await startTestStack();
  const starting = startOfflineApi(); // boots while the material is prepared
  try {
    // Material made through the API in this process (the handlers on the same tables and key as
    // the HTTP stack), without send limits, the codes kept in memory.
    const bench = await benchService();
    const config = bench.deps.config;
    const phones = new Phones('95');
    const signUps: string[] = [];
    for (let i = 0; i < TOKENS; i++) signUps.push(JSON.stringify(await freshRegistration(bench, phones.next())));
    const pending: Array<{ requestId: string; code: string }> = [];
    for (let i = 0; i < CODES; i++) pending.push(await sentCode(bench, phones.next()));

    const url = (await starting).baseUrl;
    // serverless-offline loads each function on its first request: not part of what is measured.
    for (const route of [routes.register, routes.validateCode, routes.sendCode]) {
      await fetch(`${url}${route.path}`, { method: route.method, headers: { 'content-type': 'application/json' }, body: '{}' });
    }

    const registered: Array<{ userId: string; phone: string }> = [];
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
            const headers = { 'content-type': 'application/json', 'x-hw-agentname': AGENT };
            if (roll < 4 && signUps.length > 0) {
              context['kind'] = 'register';
              return { ...request, path: routes.register.path, headers, body: signUps.pop() };
            }
            const item = roll < 7 ? pending[Math.floor(Math.random() * pending.length)] : undefined;
            if (item) {
              context['kind'] = 'validate';
              const code = Math.random() < 0.2 ? item.code : wrongCode(item.code);
              return {
                ...request,
                path: routes.validateCode.path,
                headers,
                body: JSON.stringify({ requestId: item.requestId, code, codeType: '1' }),
              };
            }
            context['kind'] = 'bad';
            const bad = BAD_REQUESTS[next % BAD_REQUESTS.length] ?? BAD_REQUESTS[0];
            return { ...request, path: bad.path, headers: { ...headers, ...bad.headers }, body: bad.body };
          },
          onResponse: (status: number, body: string, ctx: object) => {
            const kind = String((ctx as Record<string, unknown>)['kind']);
            const counts = (byKind[kind] ??= {});
            counts[status] = (counts[status] ?? 0) + 1;
            if (kind === 'register' && status === 200)
              registered.push((JSON.parse(body) as { data: { userId: string; phone: string } }).data);
          },
        },
      ],
    });

    // Each login costs a bcrypt compare: a few at a time.
    const api = createClient({ baseUrl: url, agentName: AGENT });
    const loggedIn = await pool(registered.length, 4, async (i) => {
      const user = registered[i];
      return user !== undefined && (await canLogIn(api, user));
    });
    const lost = loggedIn.filter((ok) => !ok).length;
    const statuses = Object.values(byKind).flatMap((counts) => Object.entries(counts));
    const fiveXX = statuses.filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);

    console.log(`${machineLine()}, bcrypt cost ${config.bcryptCost}`);
    console.log(
      `${CONNECTIONS} connections for ${SECONDS} s: ${result.requests.total} requests, ${result.non2xx} not 2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
    console.log(`latency ms: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`);
    for (const [kind, counts] of Object.entries(byKind)) console.log(`  ${kind.padEnd(9)} ${JSON.stringify(counts)}`);
    console.log(`registrations answered 200: ${registered.length}, unable to log in: ${lost}; 5xx answers: ${fiveXX}`);
    if (fiveXX > 0 || lost > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    await starting.then(
      (offline) => offline.stop(),
      () => undefined,
    );
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
