// docs/API.md §2.1: no SMS where the code's flow cannot succeed (a login or reset code for a phone
// without an account, a phone-change code to a number that has one), with an answer, budgets and
// storage reads that are those of a real send; a phone-change code only for a live session. And the
// metrics of sends: sent, suppressed, refused by a spent budget (infra/metrics.cjs).
//
// The local stage has metrics off and Powertools reads the switch when the service loads, so this
// file turns them on before loading it.
import infraMetrics from '../infra/metrics.cjs';
import { isRead, startCountingProxy, type CountingProxy } from './kit/counting-proxy';

process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
let helpers: typeof import('./helpers');
let svc: import('./helpers').Service;
beforeAll(async () => {
  helpers = await import('./helpers');
  svc = await helpers.service();
});

const { metricNames, BUDGET_DIMENSION } = infraMetrics;
const smsTo = (phone: string) => helpers.smsTo(phone);

function send(s: import('./helpers').Service, phone: string, codeType: string, authorization?: string) {
  const headers: Record<string, string> = { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' };
  if (authorization) headers['Authorization'] = authorization;
  return helpers.call(s.sendCode, { body: { phone, codeType }, headers });
}

/** The metrics written while `action` runs, by name with their dimensions (EMF lines on stdout). */
async function metricsOf(action: () => Promise<unknown>): Promise<Array<{ name: string; dimensions: Record<string, unknown> }>> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: any[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws":')) lines.push(text);
    return write(chunk, ...rest);
  });
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((line) => {
    const emf = JSON.parse(line) as Record<string, any>;
    const [directive] = emf['_aws'].CloudWatchMetrics as Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
    const dimensions = Object.fromEntries(directive!.Dimensions.flat().map((d) => [d, emf[d]]));
    return directive!.Metrics.map((m) => ({ name: m.Name, dimensions }));
  });
}

const SHAPE = { requestId: expect.stringMatching(/^[0-9a-f]{32}$/), expireAt: expect.any(String), resendAfter: 60 };

describe('login and reset codes (codeType 2, 3)', () => {
  it.each(['2', '3'])('codeType %s to a phone without an account: the answer of a send, its budgets spent, no SMS', async (codeType) => {
    const phone = helpers.randomPhone();
    const { answer, metrics } = await (async () => {
      let answer!: import('./helpers').Answer;
      const metrics = await metricsOf(async () => {
        answer = await send(svc, phone, codeType);
      });
      return { answer, metrics };
    })();
    expect(answer.status).toBe(200);
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(answer.body).toEqual({ code: 0, msg: 'Success.', data: SHAPE });
    expect(smsTo(phone)).toBe(0);
    expect(metrics.map((m) => m.name)).toEqual([metricNames.codesSuppressed]);
    // The budgets were spent as for a real send: the cooldown holds.
    expect((await send(svc, phone, codeType)).status).toBe(429);
    // And the request is one like any other to validate: a wrong guess is counted.
    const requestId = String(answer.body.data?.['requestId']);
    const guess = await helpers.call(svc.validateCode, { body: { requestId, code: '000000', codeType } });
    expect(guess.body).toEqual({ code: 13001005, msg: 'Incorrect verification code.', data: { verified: false, failCount: '1' } });
  });

  it.each(['2', '3'])('codeType %s to a phone with an account: texted', async (codeType) => {
    const user = await helpers.registeredUser(svc);
    const before = smsTo(user.phone); // its registration code
    const metrics = await metricsOf(async () => expect((await send(svc, user.phone, codeType)).status).toBe(200));
    expect(smsTo(user.phone) - before).toBe(1);
    expect(metrics.map((m) => m.name)).toEqual([metricNames.codesSent]);
  });
});

describe('phone-change codes (codeType 4)', () => {
  it('need the Authorization of a live session: 401/13001010 without one, with a bad one, with a revoked one', async () => {
    const user = await helpers.registeredUser(svc);
    const invalid = { code: 13001010, msg: 'Invalid access token.' };
    expect((await send(svc, helpers.randomPhone(), '4')).body).toEqual(invalid);
    expect((await send(svc, helpers.randomPhone(), '4', 'AT not-a-token')).body).toEqual(invalid);
    const logout = await helpers.call(svc.logout, {
      body: { userId: user.userId, accessToken: user.session.accessToken },
      headers: { Authorization: user.session.accessToken, 'Content-Type': 'application/json' },
    });
    expect(logout.status).toBe(200);
    const revoked = await send(svc, helpers.randomPhone(), '4', user.session.accessToken);
    expect({ status: revoked.status, body: revoked.body }).toEqual({ status: 401, body: invalid });
  });

  it('texts a free number, and answers alike but texts nobody for a number that has an account', async () => {
    const user = await helpers.registeredUser(svc);
    const other = await helpers.registeredUser(svc);
    const free = helpers.randomPhone();
    const before = smsTo(other.phone); // its registration code
    const toFree = await send(svc, free, '4', user.session.accessToken);
    const toTaken = await send(svc, other.phone, '4', user.session.accessToken);
    expect(toFree.body).toEqual({ code: 0, msg: 'Success.', data: SHAPE });
    expect(toTaken.body).toEqual({ code: 0, msg: 'Success.', data: SHAPE });
    expect(smsTo(free)).toBe(1);
    expect(smsTo(other.phone) - before).toBe(0);
  });
});

describe('the storage reads of both paths', () => {
  let proxy: CountingProxy;
  let counted: import('./helpers').Service;
  beforeAll(async () => {
    proxy = await startCountingProxy(String(process.env['DYNAMODB_ENDPOINT']));
    counted = await helpers.service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
  });
  afterAll(() => proxy.stop());

  async function operations(phone: string, codeType: string, authorization?: string) {
    proxy.reset();
    expect((await send(counted, phone, codeType, authorization)).status).toBe(200);
    const counts = proxy.counts();
    return { reads: Object.entries(counts).filter(([op]) => isRead(op)), all: counts };
  }

  it('are the same whether the phone has an account or not, for a login code and a phone change alike', async () => {
    const user = await helpers.registeredUser(svc);
    const withAccount = await operations(user.phone, '2');
    const without = await operations(helpers.randomPhone(), '2');
    expect(without).toEqual(withAccount);
    expect(withAccount.all).toEqual({ GetItem: 1, TransactWriteItems: 1 });

    const changer = await helpers.registeredUser(svc);
    const taken = await helpers.registeredUser(svc);
    const toTaken = await operations(taken.phone, '4', changer.session.accessToken);
    const toFree = await operations(helpers.randomPhone(), '4', changer.session.accessToken);
    expect(toFree).toEqual(toTaken);
    // The session's revocation, then the phone's claim.
    expect(toTaken.all).toEqual({ GetItem: 2, TransactWriteItems: 1 });
  });
});

describe('a spent SMS budget', () => {
  it('counts SmsBudgetSpent by budget, the metric the SMS budget alarm watches (infra/alarms.cjs)', async () => {
    const clock = Date.UTC(2077, 6, 7, 8);
    const tight = await helpers.service({ env: { SMS_MAX_PER_COUNTRY_PER_HOUR: '1', SMS_MAX_PER_HOUR: '2' }, now: () => clock });
    const za = () => `0027${Math.floor(100_000_000 + Math.random() * 800_000_000)}`;
    expect((await send(tight, za(), '1')).status).toBe(200);
    const country = await metricsOf(async () => expect((await send(tight, za(), '1')).status).toBe(429));
    expect(country).toContainEqual({
      name: metricNames.smsBudgetSpent,
      dimensions: expect.objectContaining({ [BUDGET_DIMENSION]: 'country' }),
    });
    expect((await send(tight, `0062${Math.floor(100_000_000 + Math.random() * 800_000_000)}`, '1')).status).toBe(200);
    const service = await metricsOf(async () =>
      expect((await send(tight, `0044${Math.floor(1_000_000_000 + Math.random() * 8e9)}`, '1')).status).toBe(429),
    );
    expect(service).toContainEqual({
      name: metricNames.smsBudgetSpent,
      dimensions: expect.objectContaining({ [BUDGET_DIMENSION]: 'service' }),
    });
    // Alone on its line: the refusal's ErrorCode dimension is not the alarm's.
    for (const m of [...country, ...service].filter((x) => x.name === metricNames.smsBudgetSpent)) {
      expect(Object.keys(m.dimensions).sort()).toEqual([BUDGET_DIMENSION, 'service'].sort());
    }
  });
});
