// `npm run bench:abuse`: attacks 1, 2 and 6 of the abuse issue (SMS pumping, draining a victim,
// unbounded code guessing) run against the service in this process, on DynamoDB Local, with what
// each got: requests, answers, SMS sent; then the storage round trips of one send-code request,
// per defence (counted on the wire, tests/kit/counting-proxy.ts). Only the public API and a clock of
// its own are used, so the same script measures the code before and after a change. Never part
// of `npm test`.
import { writeFileSync } from 'node:fs';
import { createHandlers } from '../tests/kit/handlers';
import { call } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import { startTestStack } from '../tests/kit/stack';
import { configWith } from '../tests/kit/env';
import { createDeps } from '../lib/container';
import { localVerifier } from '../lib/tokens/local-verifier';
import type { SmsMessage } from '../lib/sms/sender';
import { startCountingProxy } from '../tests/kit/counting-proxy';

const HOUR = 3_600_000;

interface Service {
  handlers: ReturnType<typeof createHandlers>;
  sent: SmsMessage[];
  clock: { now: number };
}

/** The handlers on dependencies of their own: settings on the stack's, a counting SMS sender, a clock. */
async function serviceWith(env: Record<string, string>, start: number): Promise<Service> {
  const sent: SmsMessage[] = [];
  const clock = { now: start };
  const sender = {
    send: (m: SmsMessage) => {
      sent.push(m);
      return Promise.resolve();
    },
  };
  const parts = { sms: () => sender, verifier: localVerifier };
  const deps = { ...(await createDeps(configWith(env), parts)), now: () => clock.now };
  return { handlers: createHandlers(() => Promise.resolve(deps)), sent, clock };
}

/** A clock hour no other run of this script (or the tests) uses. */
let hours = 0;
const ownHour = () => Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 1e6) * 24 * HOUR + hours++ * HOUR;

const send = (s: Service, phone: string, sourceIp: string, codeType = '1', headers: Record<string, string> = {}) =>
  call(s.handlers.sendCode, {
    body: { phone, codeType },
    sourceIp,
    headers: { 'x-hw-agentName': 'bench', 'Content-Type': 'application/json', ...headers },
  });

const tally = (statuses: number[]) =>
  Object.entries(statuses.reduce<Record<number, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {}))
    .map(([status, n]) => `${n}× ${status}`)
    .join(', ');

// Attack 1: codes to premium-rate and non-geographic ranges, from 50 addresses, 30 requests each
// (the per-IP cap), each to a fresh number of the ranges the issue saw texted.
const PUMPED_RANGES = ['979', '881', '882', '1900', '44909'];
async function pumping(env: Record<string, string>) {
  const s = await serviceWith(env, ownHour());
  const numbers = PUMPED_RANGES.map((range) => new Phones(range));
  const statuses: number[] = [];
  for (let ip = 0; ip < 50; ip++) {
    for (let i = 0; i < 30; i++) {
      const range = numbers[(ip * 30 + i) % numbers.length] ?? numbers[0];
      const answer = await send(s, String(range?.next()), `203.0.113.${ip + 1}`);
      statuses.push(answer.status);
    }
  }
  return { requests: statuses.length, answers: tally(statuses), sms: s.sent.length };
}

// Attack 2: five sends of any codeType from the attacker's address, then the owner asks from theirs.
async function draining() {
  const s = await serviceWith({}, ownHour());
  const victim = new Phones('27').next();
  const statuses: number[] = [];
  for (const codeType of ['1', '2', '3', '1', '1']) {
    statuses.push((await send(s, victim, '198.51.100.66', codeType)).status);
    s.clock.now += 61_000;
  }
  const owner = await send(s, victim, '192.0.2.10');
  return {
    requests: statuses.length + 1,
    answers: `attacker: ${tally(statuses)}; owner: ${owner.status}${owner.headers['Retry-After'] ? ` (Retry-After ${owner.headers['Retry-After']} s)` : ''}`,
    sms: s.sent.length,
  };
}

// Attack 6: for 24 hours, 5 login codes an hour to a user's phone, 5 wrong guesses at each code the
// attacker got a request id for.
async function guessing() {
  const s = await serviceWith({}, Math.floor(ownHour() / (24 * HOUR)) * 24 * HOUR);
  const { phone } = await registeredUser(s, '192.0.2.200');
  s.clock.now += 61_000;
  const smsBefore = s.sent.length;
  const sends: number[] = [];
  const guesses: number[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const start = s.clock.now;
    for (let c = 0; c < 5; c++) {
      const answer = await send(s, phone, '198.51.100.77', '2');
      sends.push(answer.status);
      const requestId = answer.body.data?.['requestId'] as string | undefined;
      s.clock.now += 61_000;
      if (!requestId) continue;
      const code = s.sent.find((m) => m.requestId === requestId)?.code ?? '000000';
      for (let g = 1; g <= 5; g++) {
        const wrong = String((Number(code) + g) % 1_000_000).padStart(6, '0');
        const guess = await call(s.handlers.validateCode, { body: { requestId, code: wrong, codeType: '2' } });
        guesses.push(guess.status === 400 && guess.body.data?.['failCount'] ? 1 : guess.status);
      }
    }
    s.clock.now = start + HOUR;
  }
  const counted = guesses.filter((g) => g === 1).length;
  return {
    requests: sends.length + guesses.length,
    answers: `sends: ${tally(sends)}; guesses: ${counted} counted (400 with failCount)${guesses.length > counted ? `, ${tally(guesses.filter((g) => g !== 1))}` : ''}`,
    sms: s.sent.length - smsBefore,
  };
}

/** A user registered through `s` (a code sent from `sourceIp`, validated, the registration). */
async function registeredUser(s: Service, sourceIp: string) {
  const phone = new Phones('27').next();
  const sent = await send(s, phone, sourceIp, '1');
  const requestId = String(sent.body.data?.['requestId']);
  const code = s.sent.find((m) => m.requestId === requestId)?.code;
  const token = String((await call(s.handlers.validateCode, { body: { requestId, code, codeType: '1' } })).body.data?.['token']);
  const registered = await call(s.handlers.register, {
    body: { firstname: 'A', surname: 'B', email: '', phone, captchaToken: token, password: '01ASDAa1' },
  });
  const session = registered.body.data?.['sessionInfo'] as { accessToken: string } | undefined;
  return { phone, accessToken: String(session?.accessToken) };
}

/** Round trips of one send-code request by operation, through a counting proxy in front of DynamoDB Local. */
async function roundTrips() {
  const proxy = await startCountingProxy(String(process.env['DYNAMODB_ENDPOINT']));
  const rows: Array<[string, string]> = [];
  try {
    const s = await serviceWith({ DYNAMODB_ENDPOINT: proxy.endpoint }, ownHour());
    const direct = await serviceWith({}, s.clock.now);
    const measure = async (what: string, run: () => Promise<{ status: number }>) => {
      proxy.reset();
      const { status } = await run();
      rows.push([
        what,
        `${status}: ${Object.entries(proxy.counts())
          .map(([op, n]) => `${op} ${n}`)
          .join(', ')}`,
      ]);
    };
    const phones = new Phones('27');
    await measure('codeType 1 (registration)', () => send(s, phones.next(), '192.0.2.1', '1'));
    await measure('codeType 2, no account', () => send(s, phones.next(), '192.0.2.2', '2'));
    // A phone with an account, registered directly (not counted).
    const { phone, accessToken } = await registeredUser(direct, '192.0.2.3');
    direct.clock.now += 61_000;
    s.clock.now += 61_000;
    await measure('codeType 2, an account', () => send(s, phone, '192.0.2.4', '2'));
    await measure('codeType 4, a session, a free number', () => send(s, phones.next(), '192.0.2.5', '4', { Authorization: accessToken }));
  } finally {
    await proxy.stop();
  }
  return rows;
}

async function main() {
  const stack = await startTestStack();
  try {
    const results: string[] = ['| attack | settings | requests | answers | SMS sent |', '|---|---|---:|---|---:|'];
    const row = (attack: string, settings: string, r: { requests: number; answers: string; sms: number }) =>
      results.push(`| ${attack} | ${settings} | ${r.requests} | ${r.answers} | ${r.sms} |`);
    row('1 SMS pumping', 'defaults, SMS_ALLOWED_COUNTRY_CODES=*', await pumping({ SMS_ALLOWED_COUNTRY_CODES: '*' }));
    row('1 SMS pumping', 'SMS_ALLOWED_COUNTRY_CODES=27,62', await pumping({ SMS_ALLOWED_COUNTRY_CODES: '27,62' }));
    row('2 draining a victim', 'defaults', await draining());
    row('6 code guessing, 24 h', 'defaults', await guessing());
    const trips = await roundTrips();
    const text = [
      ...results,
      '',
      '| send-code request | answer: storage round trips |',
      '|---|---|',
      ...trips.map(([what, ops]) => `| ${what} | ${ops} |`),
      '',
    ].join('\n');
    process.stdout.write(text);
    if (process.env['ABUSE_OUT']) writeFileSync(process.env['ABUSE_OUT'], text);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
