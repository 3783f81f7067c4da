// docs/API.md §7, docs/SECURITY.md "SMS": where codes may go, the budgets (per phone, per sender,
// per country, for the whole service), a victim's phone no longer drained by others' sends, the
// phone's wrong codes per day, and the agents a deployment accepts. Each budget runs on a clock hour
// of its own (a far-off year), so that no other suite's sends count in it.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_ENDPOINTS, type RouteName } from '../lib/api/index';
import { createDocumentClient } from '../lib/store/client';
import { Phones } from './kit/phones';
import { call, codeFromOutbox, configWith, randomPhone, service, smsTo, type Answer, type Service } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The start of a random clock hour of a year no other suite uses. */
const ownHour = () =>
  Date.UTC(
    2040 + Math.floor(Math.random() * 50),
    Math.floor(Math.random() * 12),
    1 + Math.floor(Math.random() * 27),
    Math.floor(Math.random() * 24),
  );

/** A service on a clock of the test's own, with settings. */
async function timed(env: Record<string, string>, start = ownHour()) {
  const clock = { now: start };
  const svc = await service({ env, now: () => clock.now });
  return { svc, clock };
}

const send = (svc: Service, phone: string, sourceIp?: string, codeType = '1') =>
  call(svc.sendCode, { body: { phone, codeType }, ...(sourceIp ? { sourceIp } : {}) });

/**
 * `count` sends, `concurrency` at a time: concurrent enough to race for the same counters, few
 * enough at once for DynamoDB Local, which runs transactions one by one, to answer in time.
 */
async function concurrently(count: number, make: (i: number) => Promise<Answer>, concurrency = 8): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) answers[i] = await make(i);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

const statuses = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

let ipCounter = 0;
/** A source address nobody else in this file uses. */
const freshIp = () => `198.18.${Math.floor(++ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;

describe('where SMS may go (SMS_ALLOWED_COUNTRY_CODES)', () => {
  const southAfrica = new Phones('27');
  const indonesia = new Phones('62');

  it('texts the calling codes listed, and refuses every other destination with 403/13001013: nothing sent, no quota spent', async () => {
    const { svc } = await timed({ SMS_ALLOWED_COUNTRY_CODES: '27, 62', SMS_MAX_PER_IP_PER_HOUR: '2' });
    const ip = freshIp();
    // What SMS pumping sends to: premium-rate and non-geographic ranges, satellite, other countries.
    const refused = ['+97912345678', '+88123456789', '+88212345678', '+19005550123', '+449091234567', '+4420712345678', randomPhone()];
    for (const phone of refused) {
      const answer = await send(svc, phone, ip);
      expect({ phone, status: answer.status, body: answer.body }).toEqual({
        phone,
        status: 403,
        body: { code: 13001013, msg: 'SMS to this destination is not supported.' },
      });
    }
    // Seven refusals spent nothing of the address's two sends an hour.
    const za = southAfrica.next();
    expect((await send(svc, za, ip)).status).toBe(200);
    expect((await send(svc, indonesia.next(), ip)).status).toBe(200);
    expect((await send(svc, indonesia.next(), ip)).status).toBe(429);
    expect(smsTo(za)).toBe(1);
    expect(smsTo('00979' + '12345678')).toBe(0);
  });

  it('texts any destination with * (the local default), and nothing but real calling codes may be listed', async () => {
    const { svc } = await timed({ SMS_ALLOWED_COUNTRY_CODES: '*' });
    expect((await send(svc, '+88212345678', freshIp())).status).toBe(200);
    expect(configWith().sms.allowedCountryCodes).toBe('*');
    expect(() => configWith({ SMS_ALLOWED_COUNTRY_CODES: '27,999' })).toThrow(/999 is no country calling code/);
  });
});

describe('SMS budgets', () => {
  it('per country calling code: concurrent sends never get past it, others go on, and the next hour it is back', async () => {
    const { svc, clock } = await timed({ SMS_MAX_PER_COUNTRY_PER_HOUR: '30' });
    const za = new Phones('27');
    const answers = await concurrently(45, () => send(svc, za.next(), freshIp()));
    expect(statuses(answers)).toEqual({ 200: 30, 429: 15 });
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.code).toBe(13001006);
    const retryAfter = Number(refused.headers['Retry-After']);
    expect(retryAfter).toBeGreaterThan(3590);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Until its window ends, whoever asks.
    expect((await send(svc, za.next(), freshIp())).status).toBe(429);
    expect((await send(svc, new Phones('62').next(), freshIp())).status).toBe(200);
    clock.now += HOUR;
    expect((await send(svc, za.next(), freshIp())).status).toBe(200);
  });

  it('for the whole service: sharded over items of at most 50, none takes more than its share, the total never more than the budget', async () => {
    const { svc, clock } = await timed({ SMS_MAX_PER_HOUR: '101' });
    const phones = ['27', '62', '44', '49', '33'].map((prefix) => new Phones(prefix));
    const answers = await concurrently(125, (i) => send(svc, phones[i % phones.length]!.next(), freshIp()));
    const counts = statuses(answers);
    expect(Object.keys(counts).sort()).toEqual(['200', '429']);
    // Never more than the budget; fewer only when a send found every shard it tried full while
    // another still had room (docs/adr/0016): rare, and at the very end of the budget.
    expect(counts[200]).toBeLessThanOrEqual(101);
    expect(counts[200]).toBeGreaterThanOrEqual(99);
    expect((await send(svc, phones[0]!.next(), freshIp())).status).toBe(429);

    // What the rate-limits table holds for this hour's budget: three items, of 34, 34 and 33.
    const windowEnd = Math.floor(clock.now / HOUR) * HOUR + HOUR;
    const db = createDocumentClient(configWith());
    const { Items = [] } = await db.send(
      new ScanCommand({
        TableName: svc.deps.config.tables.rateLimits,
        FilterExpression: 'begins_with(pk, :service) AND contains(pk, :end)',
        ExpressionAttributeValues: { ':service': 'QUOTA#service#', ':end': `#${windowEnd}` },
      }),
    );
    expect(Items.map((item) => String(item['pk'])).sort()).toEqual([0, 1, 2].map((shard) => `QUOTA#service#${shard}#${windowEnd}`));
    for (const item of Items) expect(Number(item['hits'])).toBeLessThanOrEqual(34);
    expect(Items.reduce((sum, item) => sum + Number(item['hits']), 0)).toBe(counts[200]);
  });
});

describe('draining a victim: others cannot use up the codes of a phone', () => {
  it("five sends from an attacker's address leave the owner a code from theirs; the phone still gets no flood", async () => {
    const { svc, clock } = await timed({});
    const victim = new Phones('27').next();
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) {
      expect((await send(svc, victim, attacker)).status).toBe(200);
      clock.now += 61_000;
    }
    const more = await send(svc, victim, attacker);
    expect(more.status).toBe(429);
    expect(Number(more.headers['Retry-After'])).toBeGreaterThan(60);

    // The owner, from their own address: a code, and the sign-up it pays for.
    const owner = await send(svc, victim, freshIp());
    expect(owner.status).toBe(200);
    const requestId = String(owner.body.data?.['requestId']);
    const validated = await call(svc.validateCode, { body: { requestId, code: codeFromOutbox(requestId), codeType: '1' } });
    expect(validated.status).toBe(200);

    // Past the phone's five, each address gets its first code of the hour, no more: an attacker's
    // flood costs an address per SMS.
    clock.now += 61_000;
    const sender = freshIp();
    expect((await send(svc, victim, sender)).status).toBe(200);
    clock.now += 61_000;
    expect((await send(svc, victim, sender)).status).toBe(429);
    expect(smsTo(victim)).toBe(7);
  });

  it('counts an IPv6 sender by its /64: a new address of the same network is not a new sender', async () => {
    const { svc, clock } = await timed({ SMS_MAX_PER_IP_PER_HOUR: '2' });
    const za = new Phones('27');
    expect((await send(svc, za.next(), '2001:db8:1:2::a')).status).toBe(200);
    expect((await send(svc, za.next(), '2001:0db8:0001:0002:ffff::1')).status).toBe(200);
    expect((await send(svc, za.next(), '2001:db8:1:2:1:2:3:4')).status).toBe(429);
    expect((await send(svc, za.next(), '2001:db8:1:3::a')).status).toBe(200);
    clock.now += HOUR;
    expect((await send(svc, za.next(), '2001:db8:1:2::b')).status).toBe(200);
  });
});

describe("a phone's wrong codes per day (CODE_MAX_FAILURES_PER_PHONE_PER_DAY)", () => {
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('past the cap, no send and no validation for the phone, right code or wrong, until the day ends', async () => {
    // Noon of a day of its own: the day's window ends at the next midnight, UTC.
    const noon = Math.floor(ownHour() / DAY) * DAY + 12 * HOUR;
    const { svc, clock } = await timed({ CODE_MAX_FAILURES_PER_PHONE_PER_DAY: '7' }, noon);
    const phone = new Phones('27').next();
    const guess = (requestId: string, code: string) => call(svc.validateCode, { body: { requestId, code, codeType: '1' } });

    const first = await send(svc, phone, freshIp());
    const firstId = String(first.body.data?.['requestId']);
    for (let n = 1; n <= 5; n++) expect((await guess(firstId, wrong(codeFromOutbox(firstId)))).status).toBe(400);
    clock.now += 61_000;
    const second = await send(svc, phone, freshIp());
    const secondId = String(second.body.data?.['requestId']);
    const code = codeFromOutbox(secondId);
    expect((await guess(secondId, wrong(code))).body.data).toEqual({ verified: false, failCount: '1' });
    expect((await guess(secondId, wrong(code))).body.data).toEqual({ verified: false, failCount: '2' });

    // Seven counted: the eighth guess, and even the right code, wait for the next day.
    const capped = await guess(secondId, wrong(code));
    expect(capped.status).toBe(429);
    expect(capped.body.code).toBe(13001006);
    const untilMidnight = (DAY - (clock.now % DAY)) / 1000;
    expect(Number(capped.headers['Retry-After'])).toBeCloseTo(untilMidnight, -1);
    expect((await guess(secondId, code)).status).toBe(429);
    clock.now += 61_000;
    const refusedSend = await send(svc, phone, freshIp());
    expect(refusedSend.status).toBe(429);
    expect(Number(refusedSend.headers['Retry-After'])).toBeGreaterThan(11 * 3600);

    // Another phone is not affected; the next day this one is back.
    expect((await send(svc, new Phones('27').next(), freshIp())).status).toBe(200);
    clock.now = noon + DAY;
    const next = await send(svc, phone, freshIp());
    expect(next.status).toBe(200);
    const nextId = String(next.body.data?.['requestId']);
    expect((await guess(nextId, codeFromOutbox(nextId))).status).toBe(200);
  });
});

describe('the agents a deployment accepts (AGENT_NAMES)', () => {
  const takingTheHeader = (Object.keys(ALL_ENDPOINTS) as RouteName[]).filter(
    (name) => 'x-hw-agentname' in ((ALL_ENDPOINTS[name].schema.headers as unknown as { shape?: object }).shape ?? {}),
  );
  const asAgent = (svc: Service, name: RouteName, agent: string) =>
    call(svc[name], { body: {}, headers: { 'x-hw-agentName': agent, 'Content-Type': 'application/json' } });

  it('is asked of every endpoint that takes x-hw-agentName', () => {
    expect(takingTheHeader.sort()).toEqual(['login', 'passwordReset', 'register', 'sendCode', 'validateCode']);
  });

  it.each(takingTheHeader)('%s refuses an agent not listed with 400/13000102 naming the header, and takes a listed one', async (name) => {
    const { svc } = await timed({ AGENT_NAMES: 'demo-app, partner-app' });
    const refused = await asAgent(svc, name, 'test-agent');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ code: 13000102, msg: 'Verify parameters failed. x-hw-agentName: is not an agent this service accepts' });
    // A listed one gets as far as its body (empty here), whatever the list's spacing.
    for (const agent of ['demo-app', 'partner-app']) {
      const taken = await asAgent(svc, name, agent);
      expect(taken.status).toBe(400);
      expect(taken.body.msg).not.toContain('x-hw-agentName');
    }
  });

  it('takes any agent when the setting is * (the default) or empty', async () => {
    for (const env of [{}, { AGENT_NAMES: '' }, { AGENT_NAMES: '*' }] as Array<Record<string, string>>) {
      const { svc } = await timed(env);
      expect((await asAgent(svc, 'sendCode', 'whoever')).body.msg).not.toContain('x-hw-agentName');
    }
  });
});
