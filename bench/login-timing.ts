// `npm run bench:login-timing`: a wrong password and an unknown phone must cost the same, or the
// answer time tells an attacker which phones are registered (docs/API.md §3.1). Times both,
// interleaved in one run at the configured bcrypt cost (default 11), and prints their medians with
// a Mann-Whitney U and a permutation p-value; then counts the storage round trips of each kind of
// login answer on the wire (tests/kit/counting-proxy.ts). A script that prints figures, never a test:
// a shared machine makes any timing threshold flaky.
//
// SAMPLES [200] samples of each kind; SOURCE_IP [198.51.100.7] the address every login comes from.
import { performance } from 'node:perf_hooks';
import { call } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import { startTestStack } from '../tests/kit/stack';
import { freshRegistration, PASSWORD } from '../tests/kit/users';
import { isRead, startCountingProxy } from '../tests/kit/counting-proxy';
import { benchService, envNumber, machineLine, mannWhitney, median, permutationP, progress, type Handler } from './lib';

const SAMPLES = envNumber('SAMPLES', 200);
const WARMUP = 10;
const SOURCE_IP = process.env['SOURCE_IP'] ?? '198.51.100.7'; // TEST-NET-2: documentation only
const WRONG_PASSWORD = 'Not-The-Password-1';
const TRIP_ROUNDS = 5;

/** Small p-values in scientific notation, so that 0.00004 is not printed as 0. */
const pValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(4));

const login = (handler: Handler, account: string, password: string) =>
  call(handler, { body: { account, authType: '1', password }, sourceIp: SOURCE_IP });

async function main() {
  const stack = await startTestStack();
  try {
    // benchService lifts the login limits, which would answer 429 after ten tries: this measures the 401 paths.
    const bench = await benchService();
    const phones = new Phones('97');
    const body = await freshRegistration(bench, phones.next());
    const registered = await call(bench.handlers.register, { body });
    if (registered.status !== 200) throw new Error(registered.raw);

    const time = async (account: string) => {
      const t = performance.now();
      const answer = await login(bench.handlers.login, account, WRONG_PASSWORD);
      const elapsed = performance.now() - t;
      if (answer.status !== 401) throw new Error(`expected 401, got ${answer.raw}`);
      return elapsed;
    };
    const wrongPassword: number[] = [];
    const unknownPhone: number[] = [];
    progress(`timing ${SAMPLES} + ${WARMUP} warm-up logins of each kind`);
    for (let round = 0; round < WARMUP + SAMPLES; round++) {
      // A coin decides which goes first, so neither always runs on a machine the other warmed.
      const unknownFirst = Math.random() < 0.5;
      const first = await time(unknownFirst ? phones.next() : body.phone);
      const second = await time(unknownFirst ? body.phone : phones.next());
      if (round < WARMUP) continue;
      wrongPassword.push(unknownFirst ? second : first);
      unknownPhone.push(unknownFirst ? first : second);
    }

    const [wrong, unknown] = [median(wrongPassword), median(unknownPhone)];
    const test = mannWhitney(unknownPhone, wrongPassword);
    console.log(`${machineLine()}, bcrypt cost ${bench.deps.config.bcryptCost}`);
    console.log(`login answers 401, ${SAMPLES} interleaved samples of each:`);
    console.log(`  wrong password  median ${wrong.toFixed(2)} ms`);
    console.log(`  unknown phone   median ${unknown.toFixed(2)} ms`);
    console.log(`  unknown - wrong ${(unknown - wrong).toFixed(2)} ms (ratio ${(unknown / wrong).toFixed(3)})`);
    console.log(`  Mann-Whitney U ${test.u.toFixed(0)}, z ${test.z.toFixed(2)}, two-sided p ${pValue(test.p)}`);
    console.log(`  permutation test of the difference of medians: p ${pValue(permutationP(unknownPhone, wrongPassword))}`);

    console.log(`storage round trips per login, counted on the wire (${TRIP_ROUNDS} requests each):`);
    for (const line of await roundTrips(body.phone, phones)) console.log(`  ${line}`);
  } finally {
    await stack.stop();
  }
}

/** Each kind of password-login answer through the counting proxy: the requests it made, by operation. */
async function roundTrips(phone: string, phones: Phones): Promise<string[]> {
  const proxy = await startCountingProxy(String(process.env['DYNAMODB_ENDPOINT']));
  try {
    const counted = (await benchService({ DYNAMODB_ENDPOINT: proxy.endpoint })).handlers.login;
    // One try per (phone, source) and window: the second wrong password of a phone is refused.
    const strict = (await benchService({ DYNAMODB_ENDPOINT: proxy.endpoint, LOGIN_MAX_FAILURES: '1' })).handlers.login;
    const kinds: Array<[string, number, () => Promise<unknown>]> = [
      ['unknown phone', 401, () => login(counted, phones.next(), WRONG_PASSWORD)],
      ['wrong password', 401, () => login(counted, phone, WRONG_PASSWORD)],
      ['right password', 200, () => login(counted, phone, PASSWORD)],
      [
        'tries used up',
        429,
        async () => {
          const locked = phones.next();
          await login(strict, locked, WRONG_PASSWORD);
          proxy.reset();
          return login(strict, locked, WRONG_PASSWORD);
        },
      ],
    ];
    const lines: string[] = [];
    for (const [name, status, run] of kinds) {
      const seen = new Set<string>();
      for (let i = 0; i < TRIP_ROUNDS; i++) {
        proxy.reset();
        const answer = (await run()) as { status: number; raw: string };
        if (answer.status !== status) throw new Error(`${name}: expected ${status}, got ${answer.raw}`);
        const counts = Object.entries(proxy.counts()).sort();
        const total = (pick: (op: string) => boolean) => counts.reduce((n, [op, c]) => n + (pick(op) ? c : 0), 0);
        seen.add(
          `${total(() => true)} (${total(isRead)} reads, ${total((op) => !isRead(op))} writes: ${counts.map(([op, c]) => `${op} ${c}`).join(', ')})`,
        );
      }
      lines.push(`${`${name} (${status})`.padEnd(22)} ${[...seen].join(' | ')}`);
    }
    return lines;
  } finally {
    await proxy.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
