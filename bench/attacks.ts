// `npm run bench:attacks`: the eight attacks of the abuse issue, run black-box over HTTP against a
// running `npm start` stack, printing what each got: requests, answers (status and error code),
// SMS sent and the outcome in one line. It uses only `fetch`-level HTTP, the public API and the
// local SMS outbox of the checkout under test, so the same script measures the service before and
// after a change (bench/results/attacks.md). Never part of `npm test`.
//
//   npm run bench:attacks -- [--url http://127.0.0.1:3000] [--outbox .local/sms-outbox.jsonl]
//                            [--samples 200] [--only 1,4,7]
//
// The base URL may also come from API_URL. Each actor (attacker, victim, owner) has a source
// address of its own: serverless-offline takes the source IP from the socket, and Linux loopback
// answers on all of 127.0.0.0/8, so each binds its own 127.x.y.z (a run picks a /24 of its own, so
// that the per-address limits of an earlier run in the same hour or day do not carry over).
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mannWhitney, median, permutationP } from './lib';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    outbox: { type: 'string', default: '.local/sms-outbox.jsonl' },
    samples: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});
const BASE_URL = args.url ?? process.env['API_URL'] ?? 'http://127.0.0.1:3000';
const OUTBOX = args.outbox;
const SAMPLES = Number(args.samples);
const ONLY = args.only ? new Set(args.only.split(',').map(Number)) : undefined;

const AGENT_NAME = 'bench-attacks';
const PASSWORD = 'Kite-Harbour-4417';
const WRONG_PASSWORD = 'Not-The-Password-1';

// ---- HTTP, one source address per actor -------------------------------------------------------

interface Answer {
  status: number;
  code: number | undefined;
  data: Record<string, unknown> | undefined;
  retryAfter: string | undefined;
  ms: number;
}

/** This run's own /24 of loopback, 127.a.b.0/24: one of 65,024, so runs within an hour or a day do not share addresses. */
const RUN_NET = `127.${randomInt(1, 255)}.${randomInt(0, 256)}`;
let actors = 0;

/** Where an actor's answers are counted: one histogram per role of an attack. */
class Tally {
  readonly answers = new Map<string, number>();
  readonly sendIds = new Set<string>();
  requests = 0;

  add(label: string): void {
    this.requests++;
    this.answers.set(label, (this.answers.get(label) ?? 0) + 1);
  }

  histogram(): string {
    return [...this.answers].map(([label, n]) => `${n}× ${label}`).join(', ') || 'none';
  }
}

class Actor {
  readonly address: string;
  private readonly agent: Agent;

  constructor(readonly tally: Tally) {
    const n = ++actors;
    if (n > 250) throw new Error('a run has 250 addresses');
    this.address = `${RUN_NET}.${n + 1}`;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: this.address });
  }

  post(path: string, body: unknown): Promise<Answer> {
    const payload = JSON.stringify(body);
    const url = new URL(path, BASE_URL);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'Content-Type': 'application/json', 'x-hw-agentName': AGENT_NAME, 'Content-Length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const ms = performance.now() - started;
            const status = res.statusCode ?? 0;
            let envelope: { code?: unknown; data?: Record<string, unknown> } | undefined;
            try {
              envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof envelope;
            } catch {
              // Not JSON (a gateway's error page, serverless-offline's "Lambda timeout"): labelled so.
            }
            const code = typeof envelope?.code === 'number' ? envelope.code : undefined;
            const retryAfter = res.headers['retry-after'];
            const answer = { status, code, data: envelope?.data, retryAfter, ms };
            this.tally.add(labelOf(answer));
            resolve(answer);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** "200", "429 13001006", "400 13001005 +failCount", "504 (no envelope)": what an answer tells its caller. */
function labelOf(a: Answer): string {
  if (a.code === undefined) return `${a.status} (no envelope)`;
  if (a.status === 200) return '200';
  const failCount = a.data && 'failCount' in a.data ? ' +failCount' : '';
  return `${a.status} ${a.code}${failCount}`;
}

// ---- the public API ---------------------------------------------------------------------------

const PATHS = {
  send: '/koodrive/ose/verify/code/send',
  validate: '/koodrive/ose/verify/code/validate',
  register: '/koodrive/ose/v1/user/register',
  login: '/koodrive/ose/v1/auth/login',
};

async function sendCode(actor: Actor, phone: string, codeType: string): Promise<Answer> {
  const answer = await actor.post(PATHS.send, { phone, codeType });
  const requestId = answer.data?.['requestId'];
  if (typeof requestId === 'string') actor.tally.sendIds.add(requestId);
  return answer;
}

const validate = (actor: Actor, requestId: string, code: string, codeType: string) =>
  actor.post(PATHS.validate, { requestId, code, codeType });

const passwordLogin = (actor: Actor, account: string, password: string) => actor.post(PATHS.login, { account, authType: '1', password });

/** The outbox line of a code request, if an SMS was sent for it. */
function smsOf(requestId: string): { phone: string; code: string } | undefined {
  return outboxSince(RUN_OUTBOX_START).find((line) => line.requestId === requestId);
}

/** SMS texted for the code requests that `tally`'s actors were answered. */
const smsSent = (tally: Tally) => outboxSince(RUN_OUTBOX_START).filter((line) => tally.sendIds.has(line.requestId)).length;

interface OutboxLine {
  phone: string;
  code: string;
  requestId: string;
}

const outboxSize = () => (existsSync(OUTBOX) ? statSync(OUTBOX).size : 0);
const RUN_OUTBOX_START = outboxSize();

function outboxSince(offset: number): OutboxLine[] {
  if (!existsSync(OUTBOX)) return [];
  return readFileSync(OUTBOX)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutboxLine);
}

/** A random number of an allowed destination (+27, South Africa), unlikely to exist yet. */
const freshPhone = (prefix = '27') => `+${prefix}${String(randomInt(100_000_000, 1_000_000_000))}`;

/** A code for `phone` (from the outbox), validated into a captcha token of `codeType`; and the send's answer. */
async function captchaToken(actor: Actor, phone: string, codeType: string): Promise<{ token: string; sent: Answer }> {
  const sent = await sendCode(actor, phone, codeType);
  const requestId = String(sent.data?.['requestId']);
  const sms = smsOf(requestId);
  if (sent.status !== 200 || !sms) throw new Error(`no code for ${phone}: ${labelOf(sent)}`);
  const validated = await validate(actor, requestId, sms.code, codeType);
  if (validated.status !== 200) throw new Error(`code not validated: ${labelOf(validated)}`);
  return { token: String(validated.data?.['token']), sent };
}

interface Profile {
  firstname: string;
  surname: string;
  password: string;
}

/** Registers `phone` through the public flow (send, validate, register); the register answer, and the send's. */
async function register(actor: Actor, phone: string, profile: Partial<Profile> = {}): Promise<{ answer: Answer; sent: Answer }> {
  const { token, sent } = await captchaToken(actor, phone, '1');
  const { firstname = 'Ada', surname = 'Lovelace', password = PASSWORD } = profile;
  const answer = await actor.post(PATHS.register, { firstname, surname, email: '', phone, captchaToken: token, password });
  return { answer, sent };
}

/** A registered phone, and when its registration code's resend cooldown is over. */
interface Victim {
  phone: string;
  /** Epoch ms: from then on a code may be sent to the phone again, from any address. */
  readyAt: number;
}

/** A registered phone; `setup` counts the requests it took, apart from the attack's. */
async function registeredPhone(setup: Tally): Promise<Victim> {
  const phone = freshPhone();
  const actor = new Actor(setup);
  try {
    const { answer, sent } = await register(actor, phone);
    if (answer.status !== 200) throw new Error(`registration of ${phone}: ${labelOf(answer)}`);
    return { phone, readyAt: Date.now() + cooldownMs(sent) };
  } finally {
    actor.close();
  }
}

/** A victim registered ahead of its attack, so that its registration code's cooldown runs meanwhile. */
interface Prepared {
  setup: Tally;
  victim: Promise<Victim>;
}

function prepareVictim(): Prepared {
  const setup = new Tally();
  return { setup, victim: registeredPhone(setup) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A send's resend cooldown (its `resendAfter`), and a little more. */
const cooldownMs = (sent: Answer) => Number(sent.data?.['resendAfter'] ?? 60) * 1000 + 300;
const waitCooldown = (sent: Answer) => sleep(cooldownMs(sent));
/** Waits until a code may be sent to the victim again (the cooldown of its registration code). */
const untilReady = async (victim: Victim) => sleep(Math.max(0, victim.readyAt - Date.now()));

// ---- reporting --------------------------------------------------------------------------------

interface Report {
  title: string;
  roles: Array<[string, Tally]>;
  setup?: Tally;
  outcome: string;
  notes?: string[];
}

function print(r: Report): void {
  const requests = r.roles.reduce((n, [, t]) => n + t.requests, 0);
  const lines = [`Attack ${r.title}`];
  lines.push(`  requests  ${requests} (${r.roles.map(([role, t]) => `${role} ${t.requests}`).join(', ')})`);
  for (const [role, t] of r.roles) lines.push(`  answers   ${role}: ${t.histogram()}`);
  lines.push(`  SMS sent  ${r.roles.map(([role, t]) => `${role} ${smsSent(t)}`).join(', ')}`);
  if (r.setup) lines.push(`  setup     ${r.setup.requests} requests (registrations), ${smsSent(r.setup)} SMS, not counted above`);
  for (const note of r.notes ?? []) lines.push(`  note      ${note}`);
  lines.push(`  outcome   ${r.outcome}`);
  console.log(lines.join('\n') + '\n');
}

const progress = (message: string) => process.stderr.write(`[attacks] ${message}\n`);

/** UTC clock hour of now, to tell whether an attack that counts hourly limits crossed one. */
const clockHour = () => Math.floor(Date.now() / 3_600_000);

// ---- 1. SMS pumping ---------------------------------------------------------------------------

// Premium-rate, non-geographic and unassigned destinations the issue saw texted (+979, +881, +882,
// +1900, +44909, +00000000) and others of the same kinds, each with digits enough to be a number.
const PUMPED = ['979', '881', '882', '883', '870', '808', '888', '991', '999', '384', '425', '1900', '44909'];
const PUMP_ADDRESSES = 3;

async function pumping(): Promise<Report> {
  const attacker = new Tally();
  const sendsTo = new Map<string, number>();
  for (let a = 0; a < PUMP_ADDRESSES; a++) {
    const actor = new Actor(attacker);
    for (const range of [...PUMPED, '00000000']) {
      // All zeros: 8, 9 and 10 of them, one number per address (attack 8 tries 12).
      const phone = range === '00000000' ? `+${'0'.repeat(8 + a)}` : `+${range}${String(randomInt(10_000_000, 100_000_000))}`;
      const sent = await sendCode(actor, phone, '1');
      if (sent.status === 200 && smsOf(String(sent.data?.['requestId']))) sendsTo.set(range, (sendsTo.get(range) ?? 0) + 1);
    }
    actor.close();
  }
  const texted = [...sendsTo.keys()];
  return {
    title: `1 — SMS pumping: ${PUMPED.length + 1} premium-rate or unassigned destinations, from ${PUMP_ADDRESSES} addresses`,
    roles: [['attacker', attacker]],
    outcome: `destinations texted: ${texted.length} of ${PUMPED.length + 1}${texted.length ? ` (${texted.map((r) => `+${r}`).join(' ')})` : ''}`,
  };
}

// ---- 2. Draining a victim ---------------------------------------------------------------------

async function draining(): Promise<Report> {
  const attacker = new Tally();
  const owner = new Tally();
  const victim = freshPhone();
  const hour = clockHour();
  const a = new Actor(attacker);
  let last: Answer | undefined;
  for (const codeType of ['1', '2', '3', '1', '1']) {
    if (last) await waitCooldown(last);
    const sent = await sendCode(a, victim, codeType);
    if (sent.status === 200) last = sent;
  }
  if (last) await waitCooldown(last);
  const o = new Actor(owner);
  const own = await sendCode(o, victim, '1');
  a.close();
  o.close();
  const locked = own.status === 429;
  return {
    title: "2 — draining a victim: five sends of codeTypes 1, 2, 3, 1, 1 to the victim's phone, then the owner asks",
    roles: [
      ['attacker', attacker],
      ['owner', owner],
    ],
    notes: clockHour() === hour ? [] : ['a UTC clock hour ended during this attack: its hourly limits restarted'],
    outcome: `victim locked out of SMS sign-up: ${locked ? `yes (${labelOf(own)}, Retry-After ${own.retryAfter ?? '-'} s)` : `no (${labelOf(own)})`}`,
  };
}

// ---- 3. Guessable request ids -----------------------------------------------------------------

const MAX_PROBES = 1_000;
// Snowflake layout (the ids of the code before): 41 bits of milliseconds, 10 of worker, 12 of sequence.
const WORKER_SHIFT = 12n;
const MS_SHIFT = 22n;

/**
 * The ids an attacker tries, best first, from two ids of his own sent just before and just after
 * the victim's. A decimal id is a snowflake: every millisecond between the two with the same
 * worker, sequence 0 first. Anything else (an opaque id) gives him only its neighbours to try.
 */
function candidateIds(before: string, after: string): string[] {
  const ids: string[] = [];
  if (/^\d+$/.test(before) && /^\d+$/.test(after)) {
    const [lo, hi] = [BigInt(before), BigInt(after)];
    const worker = (lo >> WORKER_SHIFT) & 1023n;
    for (let seq = 0n; seq < 4n && ids.length < MAX_PROBES; seq++) {
      for (let ms = lo >> MS_SHIFT; ms <= hi >> MS_SHIFT && ids.length < MAX_PROBES; ms++) {
        const id = ((ms << MS_SHIFT) | (worker << WORKER_SHIFT) | seq).toString();
        if (id !== before && id !== after) ids.push(id);
      }
    }
    return ids;
  }
  const width = before.length;
  const base = BigInt(`0x${before}`);
  for (let d = 1n; ids.length < MAX_PROBES; d++) {
    for (const id of [base + d, base - d]) ids.push(id.toString(16).padStart(width, '0').slice(-width));
  }
  return ids;
}

async function guessableIds({ setup, victim: registered }: Prepared): Promise<Report> {
  const attacker = new Tally();
  const victimTally = new Tally();
  const victim = await registered;
  await untilReady(victim);
  const a = new Actor(attacker);
  const v = new Actor(victimTally);
  // The attacker's own sends bracket the victim's login code.
  const first = await sendCode(a, freshPhone(), '1');
  const victimSend = await sendCode(v, victim.phone, '2');
  const second = await sendCode(a, freshPhone(), '1');
  const victimId = String(victimSend.data?.['requestId']);
  const code = smsOf(victimId)?.code;
  if (!code) throw new Error(`no SMS for the victim's login code: ${labelOf(victimSend)}`);
  const wrong = code === '000000' ? '000001' : '000000';
  let found: string | undefined;
  let probes = 0;
  for (const id of candidateIds(String(first.data?.['requestId']), String(second.data?.['requestId']))) {
    probes++;
    const answer = await validate(a, id, wrong, '2');
    if (answer.data && 'failCount' in answer.data) {
      found = id;
      break;
    }
  }
  if (found) {
    for (let g = 0; g < 4; g++) await validate(a, found, wrong, '2');
  }
  const own = await validate(v, victimId, code, '2');
  const killed = own.status === 429;
  a.close();
  v.close();
  return {
    title: "3 — guessable request ids: find the victim's login-code requestId from two of one's own, then spend its guesses",
    roles: [
      ['attacker', attacker],
      ['victim', victimTally],
    ],
    setup,
    outcome: `victim's requestId found: ${found ? `yes, after ${probes} probes (${found === victimId ? 'the right one' : 'another request'})` : `no, in ${probes} probes`}; victim's code killed: ${killed ? 'yes' : 'no'} (victim's right code: ${labelOf(own)})`,
  };
}

// ---- 4. Lockout as a weapon -------------------------------------------------------------------

async function lockout(): Promise<Report> {
  const setup = new Tally();
  const attacker = new Tally();
  const owner = new Tally();
  const { phone: victim } = await registeredPhone(setup);
  const a = new Actor(attacker);
  for (let i = 0; i < 12; i++) await passwordLogin(a, victim, `${WRONG_PASSWORD}${i}`);
  const o = new Actor(owner);
  const own = await passwordLogin(o, victim, PASSWORD);
  a.close();
  o.close();
  return {
    title: "4 — lockout as a weapon: 12 wrong passwords from one address, then the owner's right one from another",
    roles: [
      ['attacker', attacker],
      ['owner', owner],
    ],
    setup,
    outcome: `owner locked out: ${own.status === 200 ? 'no (200)' : `yes (${labelOf(own)})`}`,
  };
}

// ---- 5. Spraying ------------------------------------------------------------------------------

const SPRAYS = 120;

async function spraying(): Promise<Report> {
  const attacker = new Tally();
  const a = new Actor(attacker);
  let firstRefusal: number | undefined;
  for (let i = 1; i <= SPRAYS; i++) {
    const answer = await passwordLogin(a, freshPhone(), 'Summer2024!');
    if (answer.status === 429 && firstRefusal === undefined) firstRefusal = i;
  }
  a.close();
  return {
    title: `5 — spraying: ${SPRAYS} logins with one common password at ${SPRAYS} random phones, from one address`,
    roles: [['attacker', attacker]],
    outcome: `spraying stopped: ${firstRefusal ? `yes, from attempt ${firstRefusal} on (429)` : 'no'}`,
  };
}

// ---- 6. Unbounded code guessing ---------------------------------------------------------------

const GUESS_SENDS = 8;
const GUESS_ADDRESSES = 3;

/** What a refusal's Retry-After points at: the clock hour's end, or the UTC day's. */
function refusedUntil(answer: Answer): string {
  const seconds = Number(answer.retryAfter);
  if (!Number.isFinite(seconds)) return 'no Retry-After';
  const until = Date.now() + seconds * 1000;
  const hourEnd = (clockHour() + 1) * 3_600_000;
  const dayEnd = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
  const what =
    Math.abs(until - hourEnd) < 5_000 ? 'the clock hour ends' : Math.abs(until - dayEnd) < 5_000 ? 'the UTC day ends' : 'a cooldown ends';
  return `Retry-After ${seconds} s: until ${what}`;
}

// The registration's own code is one of the phone's five of the hour, as it is for any user who
// signed up within it; the Retry-After of the refusal says whether the guessing resumes with the
// next hour or the next day. A refused send is tried again from a new address, since a sender's
// first code of the hour to a phone may still go (docs/API.md §7.3).
async function guessing(): Promise<Report> {
  const setup = new Tally();
  const attacker = new Tally();
  const victim = await registeredPhone(setup);
  await untilReady(victim);
  const hour = clockHour();
  let accepted = 0;
  let codes = 0;
  let refusal: Answer | undefined;
  let addresses = 0;
  let last: Answer | undefined;
  let a = new Actor(attacker);
  addresses++;
  for (let s = 0; s < GUESS_SENDS; s++) {
    if (last) await waitCooldown(last);
    const sent = await sendCode(a, victim.phone, '2');
    if (sent.status !== 200) {
      refusal = sent;
      if (addresses === GUESS_ADDRESSES) break;
      a.close();
      a = new Actor(attacker);
      addresses++;
      last = undefined;
      continue;
    }
    codes++;
    last = sent;
    const requestId = String(sent.data?.['requestId']);
    // Guesses known to be wrong (the outbox has the code), so every one is a guess spent.
    const code = Number(smsOf(requestId)?.code ?? 0);
    for (let g = 1; g <= 5; g++) {
      const answer = await validate(a, requestId, String((code + g) % 1_000_000).padStart(6, '0'), '2');
      if (answer.data && 'failCount' in answer.data) accepted++;
    }
  }
  a.close();
  return {
    title: `6 — code guessing: login codes to a registered phone, 5 wrong guesses at each, a refused send tried again from a new address (at most ${GUESS_ADDRESSES} addresses, ${GUESS_SENDS} sends)`,
    roles: [['attacker', attacker]],
    setup,
    notes: clockHour() === hour ? [] : ['a UTC clock hour ended during this attack: its hourly limits restarted'],
    outcome: `wrong guesses accepted: ${accepted}, at ${codes} codes from ${addresses} addresses; then ${refusal ? `sends refused (${labelOf(refusal)}, ${refusedUntil(refusal)})` : 'no send refused'}`,
  };
}

// ---- 7. Timing --------------------------------------------------------------------------------

const WARMUP = 10;
// Wrong passwords per registered phone and per address, under every lockout of before and after
// (10 per phone, 10 per phone and address, 100 per address an hour), so every answer is a 401.
const PER_PHONE = 9;
const PER_ADDRESS = 90;

// Below 1e-6 the normal approximation's own error (1.5e-7) is all a smaller figure would show.
const pValue = (p: number) => (p < 1e-6 ? '< 1e-6' : p < 0.001 ? p.toExponential(1) : p.toFixed(4));

async function timing(): Promise<Report> {
  const setup = new Tally();
  const attacker = new Tally();
  const rounds = WARMUP + SAMPLES;
  progress(`attack 7: registering ${Math.ceil(rounds / PER_PHONE)} phones`);
  const phones: string[] = [];
  for (let i = 0; i < Math.ceil(rounds / PER_PHONE); i++) phones.push((await registeredPhone(setup)).phone);
  const addresses = Array.from({ length: Math.ceil((2 * rounds) / PER_ADDRESS) }, () => new Actor(attacker));
  const wrongPassword: number[] = [];
  const unknownPhone: number[] = [];
  const unexpected = new Tally();
  const time = async (actor: Actor, account: string) => {
    const answer = await passwordLogin(actor, account, WRONG_PASSWORD);
    if (answer.status !== 401) unexpected.add(labelOf(answer));
    return answer.ms;
  };
  progress(`attack 7: ${SAMPLES} + ${WARMUP} warm-up interleaved pairs`);
  for (let round = 0; round < rounds; round++) {
    const actor = addresses[round % addresses.length] ?? addresses[0];
    const registered = phones[Math.floor(round / PER_PHONE)] ?? '';
    if (!actor) throw new Error('no address');
    // A coin decides which goes first, so neither always runs on a machine the other warmed.
    const unknownFirst = Math.random() < 0.5;
    const firstMs = await time(actor, unknownFirst ? freshPhone() : registered);
    const secondMs = await time(actor, unknownFirst ? registered : freshPhone());
    if (round < WARMUP) continue;
    wrongPassword.push(unknownFirst ? secondMs : firstMs);
    unknownPhone.push(unknownFirst ? firstMs : secondMs);
  }
  for (const actor of addresses) actor.close();
  const [wrong, unknown] = [median(wrongPassword), median(unknownPhone)];
  const test = mannWhitney(unknownPhone, wrongPassword);
  return {
    title: `7 — timing: ${SAMPLES} interleaved logins of each kind (after ${WARMUP} warm-up pairs), unknown phone vs registered phone with a wrong password`,
    roles: [['attacker', attacker]],
    setup,
    notes: [
      `wrong password median ${wrong.toFixed(2)} ms, unknown phone median ${unknown.toFixed(2)} ms, unknown - wrong ${(unknown - wrong).toFixed(2)} ms`,
      `Mann-Whitney U ${test.u.toFixed(0)}, z ${test.z.toFixed(2)}, two-sided p ${pValue(test.p)}; permutation test of the medians p ${pValue(permutationP(unknownPhone, wrongPassword))}`,
      ...(unexpected.requests ? [`answers other than 401 (timed anyway): ${unexpected.histogram()}`] : []),
    ],
    outcome: `the paths told apart by time: ${test.p < 0.01 ? `yes (p ${pValue(test.p)}, ${(unknown - wrong).toFixed(2)} ms)` : `no (p ${pValue(test.p)})`}`,
  };
}

// ---- 8. Input ---------------------------------------------------------------------------------

async function input(): Promise<Report> {
  const attacker = new Tally();
  const a = new Actor(attacker);
  const findings: string[] = [];

  // +027… and 0027…: one number or two keys?
  const digits = String(randomInt(100_000_000, 1_000_000_000));
  const plus = await sendCode(a, `+027${digits}`, '1');
  const zeros = await sendCode(a, `0027${digits}`, '1');
  const plusKey = smsOf(String(plus.data?.['requestId']))?.phone;
  const zerosKey = smsOf(String(zeros.data?.['requestId']))?.phone;
  findings.push(
    plus.status === 200 && plusKey !== zerosKey
      ? `+027… is a key of its own (${plusKey ?? '?'} beside ${zerosKey ?? '?'})`
      : `+027… refused (${labelOf(plus)})`,
  );

  // All zeros: a number no country calling code starts (attack 1 sent 8 to 10 of them).
  const zero = await sendCode(a, `+${'0'.repeat(12)}`, '1');
  findings.push(zero.status === 200 ? '+000000000000 accepted' : `+000000000000 refused (${labelOf(zero)})`);

  // Bidi override and zero-width characters in names: refused, or stored (login shows them back)?
  const named = freshPhone();
  const firstname = 'Ad\u202Emin';
  const surname = 'Lo\u200Bve';
  const { answer: reg } = await register(a, named, { firstname, surname });
  if (reg.status === 200) {
    const login = await passwordLogin(a, named, PASSWORD);
    const user = login.data?.['userInfo'] as { firstname?: string; surname?: string } | undefined;
    findings.push(
      user?.firstname === firstname && user.surname === surname ? 'bidi and zero-width names stored' : 'names accepted, stored changed',
    );
  } else findings.push(`bidi and zero-width names refused (${labelOf(reg)})`);

  // A password registered in NFC, typed in NFD.
  const nfcPhone = freshPhone();
  const nfc = 'Crème-brûlée-42'.normalize('NFC');
  const { answer: regNfc } = await register(a, nfcPhone, { password: nfc });
  const nfd = await passwordLogin(a, nfcPhone, nfc.normalize('NFD'));
  findings.push(
    regNfc.status !== 200
      ? `NFC password not registered (${labelOf(regNfc)})`
      : nfd.status === 200
        ? 'NFD spelling of the NFC password logs in'
        : `NFD spelling of the NFC password refused (${labelOf(nfd)})`,
  );
  a.close();
  return {
    title: '8 — input: +027… beside 0027…, all zeros, bidi and zero-width names, an NFC password typed as NFD',
    roles: [['attacker', attacker]],
    notes: [`phones the outbox shows: +027${digits} → ${plusKey ?? 'no SMS'}, 0027${digits} → ${zerosKey ?? 'no SMS'}`],
    outcome: findings.join('; '),
  };
}

// ---- the run ----------------------------------------------------------------------------------

async function main() {
  console.log(`attacks against ${BASE_URL}, SMS outbox ${OUTBOX}, started ${new Date().toISOString()}\n`);
  const want = (n: number) => !ONLY || ONLY.has(n);
  // 2 and 6 spend most of their time waiting out resend cooldowns: they run beside 1, 3, 4, 5 and
  // 8, and 7 (timing) runs alone once everything else is done.
  const slow = Promise.all([want(2) ? draining() : undefined, want(6) ? guessing() : undefined]);
  // 3's victim is registered first and attacked last, once its registration code's cooldown is over.
  const idVictim = want(3) ? prepareVictim() : undefined;
  const reports: Array<[number, Report]> = [];
  for (const [n, attack] of [
    [1, pumping],
    [4, lockout],
    [5, spraying],
    [8, input],
    [3, () => guessableIds(idVictim ?? prepareVictim())],
  ] as const) {
    if (!want(n)) continue;
    progress(`attack ${n}`);
    reports.push([n, await attack()]);
  }
  progress('waiting for attacks 2 and 6 (resend cooldowns)');
  const [drained, guessed] = await slow;
  if (drained) reports.push([2, drained]);
  if (guessed) reports.push([6, guessed]);
  if (want(7)) {
    progress('attack 7');
    reports.push([7, await timing()]);
  }
  for (const [, report] of reports.sort(([a], [b]) => a - b)) print(report);
  console.log(`finished ${new Date().toISOString()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
