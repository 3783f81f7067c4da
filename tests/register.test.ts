// docs/API.md §1: what a registration guarantees, and what a failed one leaves behind (nothing).
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { createDocumentClient } from '../lib/store/client';
import { sha256 } from '../lib/secrets';
import { call, captchaToken, configWith, randomPhone, registration, service, unsentCaptchaToken, type Service } from './helpers';

let svc: Service;
const db = createDocumentClient(configWith());
beforeAll(async () => {
  svc = await service();
});

const tables = () => svc.deps.config.tables;
const getItem = async (table: string, pk: string) => (await db.send(new GetCommand({ TableName: table, Key: { pk } }))).Item;
const tokenItem = (token: string) => getItem(tables().verifications, `TOKEN#${sha256(token)}`);

/** Every item in every table that mentions this phone or user. */
async function footprint(phone: string): Promise<number> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: tables().users }));
  return Items.filter((i) => i['pk'] === `PHONE#${phone}` || i['phone'] === phone).length;
}

describe('a successful registration', () => {
  it('stores the user with a bcrypt hash, the phone claim, the session, and uses the token', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const answer = await call(svc.register, {
      body: registration(phone, token, { firstname: '  Zoë ', email: 'Zoe.Lee@Example.COM' }),
    });
    expect(answer.status).toBe(200);
    const { userId, sessionInfo } = answer.body.data as { userId: string; sessionInfo: { refreshToken: string } };

    const user = await getItem(tables().users, `USER#${userId}`);
    expect(user).toMatchObject({ phone, firstname: 'Zoë', surname: 'Lee', email: 'zoe.lee@example.com' });
    expect(String(user?.['passwordHash'])).toMatch(/^\$2[aby]\$04\$/);
    expect(await bcrypt.compare('01ASDAa1', String(user?.['passwordHash']))).toBe(true);
    expect(JSON.stringify(user)).not.toContain('01ASDAa1');

    expect(await getItem(tables().users, `PHONE#${phone}`)).toMatchObject({ userId });
    expect((await tokenItem(token))?.['usedBy']).toBe(userId);

    const refreshHash = sha256(sessionInfo.refreshToken);
    const refresh = await getItem(tables().sessions, `REFRESH#${refreshHash}`);
    // A refresh token's item names its session, never the user: nothing of a deleted user is left in it.
    expect(refresh?.['userId']).toBeUndefined();
    const session = await getItem(tables().sessions, `SESSION#${String(refresh?.['sessionId'])}`);
    expect(session).toMatchObject({ userId, currentRefreshHash: refreshHash });
    expect(user?.['sessions']).toEqual({ [String(refresh?.['sessionId'])]: session?.['endsAt'] });
    expect(JSON.stringify([refresh, session])).not.toContain(sessionInfo.refreshToken);
  });
});

describe('refusals', () => {
  it('a phone registered under another spelling is taken: 409, and that token stays unused', async () => {
    const phone = randomPhone();
    expect((await call(svc.register, { body: registration(`+${phone.slice(2)}`, await captchaToken(phone)) })).status).toBe(200);
    const second = await captchaToken(phone);
    const answer = await call(svc.register, { body: registration(`00 ${phone.slice(2, 4)} ${phone.slice(4)}`, second) });
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ code: 13001001, msg: 'The phone number is already registered.' });
    expect((await tokenItem(second))?.['usedAt']).toBeUndefined();
  });

  it('a retry of the same request with its spent token gets the same user and a fresh session', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const body = registration(phone, token, { email: 'ann@example.com' });
    const first = await call(svc.register, { body });
    expect(first.status).toBe(200);
    const retry = await call(svc.register, { body: { ...body, phone: `+${phone.slice(2)}`, email: 'ANN@example.com' } });
    expect(retry.status).toBe(200);
    expect(retry.body.data?.['userId']).toBe(first.body.data?.['userId']);
    const [a, b] = [first, retry].map((r) => r.body.data?.['sessionInfo'] as { refreshToken: string });
    expect(b?.refreshToken).not.toBe(a?.refreshToken);
    expect(await footprint(phone)).toBe(2); // still one claim and one user
  });

  it.each([
    ['another password', { password: 'Other-Pass-9' }],
    ['another name', { firstname: 'Bob' }],
    ['another surname', { surname: 'Li' }],
    ['another email', { email: 'other@example.com' }],
  ])('a spent token with %s is invalid', async (_why, change) => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    expect((await call(svc.register, { body: registration(phone, token) })).status).toBe(200);
    const again = await call(svc.register, { body: registration(phone, token, change) });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(13001002);
  });

  it('a retry with a wrong password spends a login try, so a spent token cannot guess passwords', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    expect((await call(svc.register, { body: registration(phone, token) })).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await call(svc.register, { body: registration(phone, token, { password: `Guess-${i}-pass` }) })).body.code).toBe(13001002);
    }
    const locked = await call(svc.register, { body: registration(phone, token) });
    expect(locked.status).toBe(429);
  });

  it('a spent token is invalid once its lifetime is over, even for the same request', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const phone = randomPhone();
    const token = await captchaToken(phone, '1', timed);
    expect((await call(timed.register, { body: registration(phone, token) })).status).toBe(200);
    now += 600_001;
    expect((await call(timed.register, { body: registration(phone, token) })).body.code).toBe(13001002);
  });

  it.each([
    ['unknown', () => Promise.resolve({ phone: randomPhone(), token: 'f'.repeat(48) })],
    ['issued for another phone', async () => ({ phone: randomPhone(), token: await captchaToken(randomPhone()) })],
    [
      'issued for login (codeType 2)',
      async () => {
        const phone = randomPhone();
        return { phone, token: await unsentCaptchaToken(phone, '2') };
      },
    ],
  ])('a token %s is invalid, and nothing is written', async (_why, make) => {
    const { phone, token } = await make();
    const answer = await call(svc.register, { body: registration(phone, token) });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 13001002, msg: 'Invalid verification token.' });
    expect(await footprint(phone)).toBe(0);
  });

  it('an expired token is 13001003', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const phone = randomPhone();
    const token = await captchaToken(phone, '1', timed);
    now += 600_001;
    const answer = await call(timed.register, { body: registration(phone, token) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(13001003);
    expect(await footprint(phone)).toBe(0);
  });

  it('a token without a valid phone claim does not reveal that the phone is taken', async () => {
    const phone = randomPhone();
    expect((await call(svc.register, { body: registration(phone, await captchaToken(phone)) })).status).toBe(200);
    const answer = await call(svc.register, { body: registration(phone, await captchaToken(randomPhone())) });
    expect(answer.body.code).toBe(13001002);
  });

  it('a weak password is refused with the rule, and the same token then still works', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    for (const password of ['password', '12345678', 'short1!', `Zz!${phone.slice(-9)}`]) {
      const answer = await call(svc.register, { body: registration(phone, token, { password }) });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(13001004);
      expect(answer.body.msg).not.toBe('Password does not meet the policy.');
    }
    expect((await tokenItem(token))?.['usedAt']).toBeUndefined();
    expect((await call(svc.register, { body: registration(phone, token) })).status).toBe(200);
  });
});

describe('concurrency', () => {
  it('twenty registrations of one phone, each with its own token: one 200, nineteen 409, no 5xx', async () => {
    const phone = randomPhone();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => captchaToken(phone)));
    const answers = await Promise.all(tokens.map((token) => call(svc.register, { body: registration(phone, token) })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);

    const used = await Promise.all(tokens.map(async (t) => (await tokenItem(t))?.['usedAt'] !== undefined));
    expect(used.filter(Boolean)).toHaveLength(1);
    expect(await footprint(phone)).toBe(2); // one phone claim, one user
  });
});
