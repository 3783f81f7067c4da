// docs/API.md §7, "Human check": with SEND_CODE_CHALLENGE on, send-code takes a code only with a
// token the provider vouches for, checked server-side before anything is spent. The real provider
// client (lib/challenge/siteverify.ts) talks to a local stand-in that checks what Turnstile and
// reCAPTCHA check (tests/tools/siteverify-stand-in.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Phones } from './kit/phones';
import { call, service, smsTo, type Service } from './helpers';
import { SiteverifyStandIn } from './tools/siteverify-stand-in';

const SECRET = 'site-secret-of-this-deployment';
const TIMEOUT_MS = 400;
let provider: SiteverifyStandIn;
let url: string;
let secretFile: string;

beforeAll(async () => {
  provider = new SiteverifyStandIn(SECRET);
  url = await provider.start();
  secretFile = join(String(process.env['TEST_SCRATCH_DIR']), 'challenge-secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
});
afterAll(() => provider.stop());
afterEach(() => {
  provider.mode = 'up';
});

/** A service with the check on, one send per address an hour, the provider's secret in the local file. */
const checked = (env: Record<string, string> = {}) =>
  service({
    env: {
      SEND_CODE_CHALLENGE: 'turnstile',
      CHALLENGE_VERIFY_URL: url,
      CHALLENGE_SECRET_FILE: secretFile,
      SEND_CODE_CHALLENGE_TIMEOUT_MS: String(TIMEOUT_MS),
      SMS_MAX_PER_IP_PER_HOUR: '1',
      ...env,
    },
  });

const phones = new Phones('27');
let ipCounter = 0;
const freshIp = () => `192.0.2.${++ipCounter}`;

function send(svc: Service, sourceIp: string, challengeToken?: string, phone = phones.next()) {
  const headers: Record<string, string> = { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' };
  if (challengeToken !== undefined) headers['X-Challenge-Token'] = challengeToken;
  return call(svc.sendCode, { body: { phone, codeType: '1' }, headers, sourceIp });
}

const FAILED = { code: 13001014, msg: 'Human verification failed.' };

describe('Turnstile, checked server-side', () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await checked();
  });

  it('sends a code for a token the provider vouches for, having asked it as it wants: a form with the secret, the token and the address', async () => {
    const ip = freshIp();
    const token = provider.issue(ip);
    const phone = phones.next();
    const answer = await send(svc, ip, token, phone);
    expect(answer.status).toBe(200);
    expect(smsTo(phone)).toBe(1);
    expect(provider.requests.at(-1)).toEqual({
      contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/),
      secret: SECRET,
      response: token,
      remoteip: ip,
    });
  });

  it('refuses a send without a token with 400/13001014, before anything is spent or asked', async () => {
    const ip = freshIp();
    const asked = provider.requests.length;
    const phone = phones.next();
    const answer = await send(svc, ip, undefined, phone);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: FAILED });
    expect(provider.requests.length).toBe(asked);
    expect(smsTo(phone)).toBe(0);
    // The address's one send of the hour is still there.
    expect((await send(svc, ip, provider.issue(ip))).status).toBe(200);
  });

  it.each([
    ['a token the provider never issued', (ip: string) => `forged-${ip}`],
    ['a token issued to another address', () => provider.issue('203.0.113.77')],
  ])('refuses %s with 400/13001014, spending nothing', async (_what, token) => {
    const ip = freshIp();
    const answer = await send(svc, ip, token(ip));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: FAILED });
    expect((await send(svc, ip, provider.issue(ip))).status).toBe(200);
  });

  it('takes a token once: the provider refuses it the second time', async () => {
    const ip = freshIp();
    const token = provider.issue(ip);
    const again = await checked({ SMS_MAX_PER_IP_PER_HOUR: '5' });
    expect((await send(again, ip, token)).status).toBe(200);
    expect((await send(again, ip, token)).body).toEqual(FAILED);
  });

  it.each(['down', 'slow'] as const)('fails closed when the provider is %s: 503 with Retry-After, nothing sent or spent', async (mode) => {
    const ip = freshIp();
    provider.mode = mode;
    provider.delayMs = TIMEOUT_MS * 5;
    const phone = phones.next();
    const started = performance.now();
    const answer = await send(svc, ip, provider.issue(ip), phone);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 503,
      body: { code: 13000500, msg: 'Service busy. Try again later.' },
    });
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    // Within the provider's timeout, well inside the function's.
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 4);
    expect(smsTo(phone)).toBe(0);
    provider.mode = 'up';
    expect((await send(svc, ip, provider.issue(ip))).status).toBe(200);
  });

  it("answers 503, not the client's fault, when the provider refuses this service's own secret", async () => {
    const wrongSecret = join(String(process.env['TEST_SCRATCH_DIR']), 'challenge-secret-wrong');
    writeFileSync(wrongSecret, 'not-the-secret', { mode: 0o600 });
    const misconfigured = await checked({ CHALLENGE_SECRET_FILE: wrongSecret });
    const ip = freshIp();
    expect((await send(misconfigured, ip, provider.issue(ip))).status).toBe(503);
  });
});

describe('reCAPTCHA', () => {
  it("passes v3 tokens scored as a person's, refuses those scored as a bot's", async () => {
    const svc = await checked({ SEND_CODE_CHALLENGE: 'recaptcha' });
    const person = freshIp();
    expect((await send(svc, person, provider.issue(person, 0.9))).status).toBe(200);
    const bot = freshIp();
    expect((await send(svc, bot, provider.issue(bot, 0.1))).body).toEqual(FAILED);
  });
});

it('asks for no token while the check is off (the default)', async () => {
  const svc = await service();
  expect((await send(svc, freshIp())).status).toBe(200);
});
