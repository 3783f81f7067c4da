// docs/API.md §7.7: wrong passwords are counted per (phone, source IP), per phone and per source IP,
// so that one address cannot lock an owner out from another, spraying many phones from one address
// stops, and a distributed attack on one account still ends; an unknown phone and a wrong password
// cost the same storage requests.
import { randomBytes } from 'node:crypto';
import { startCountingProxy } from './kit/counting-proxy';
import { restEvent } from './kit/invoke';
import { call, captchaToken, lambdaContext, randomPhone, registeredUser, registration, service, type Service } from './helpers';

/** An address no other test uses: 2001:db8::/32 is for documentation. */
const randomIp = () => `2001:db8:${Array.from({ length: 6 }, () => randomBytes(2).toString('hex')).join(':')}`;

const login = (s: Service, account: string, password: string, sourceIp: string) =>
  call(s.login, { body: { account, authType: '1', password }, sourceIp });

/** The statuses of `count` logins, one after the other. */
async function statuses(count: number, attempt: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await attempt(i)).status);
  return answers;
}

const times = (n: number, status: number) => Array<number>(n).fill(status);

function expectRefused(answer: { status: number; body: { code: number }; headers: Record<string, string> }, maxWaitSeconds: number) {
  expect(answer.status).toBe(429);
  expect(answer.body.code).toBe(13001006);
  expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
  expect(Number(answer.headers['Retry-After'])).toBeLessThanOrEqual(maxWaitSeconds);
}

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

describe('per phone and source IP (attack: lockout as a weapon)', () => {
  it("an attacker's ten wrong passwords from one address do not lock the owner out from another", async () => {
    const owner = await registeredUser(svc);
    const [attacker, ownersAddress] = [randomIp(), randomIp()];
    expect(await statuses(10, (i) => login(svc, owner.phone, `Wrong-${i}-pass`, attacker))).toEqual(times(10, 401));
    // The attacker's address is done with this phone, even with the right password…
    expectRefused(await login(svc, owner.phone, owner.password, attacker), 900);
    // …and the owner, elsewhere, is not.
    expect((await login(svc, owner.phone, owner.password, ownersAddress)).status).toBe(200);
  });

  it("a right password from one address does not clear another address's count", async () => {
    const owner = await registeredUser(svc);
    const [attacker, ownersAddress] = [randomIp(), randomIp()];
    expect(await statuses(9, (i) => login(svc, owner.phone, `Wrong-${i}-pass`, attacker))).toEqual(times(9, 401));
    expect((await login(svc, owner.phone, owner.password, ownersAddress)).status).toBe(200);
    expect((await login(svc, owner.phone, 'Wrong-9-pass', attacker)).status).toBe(401);
    expectRefused(await login(svc, owner.phone, 'Wrong-10-pass', attacker), 900);
  });

  it("counts a registration retry's wrong passwords in the same budgets as login's", async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const [attacker, ownersAddress] = [randomIp(), randomIp()];
    expect((await call(svc.register, { body: registration(phone, token), sourceIp: ownersAddress })).status).toBe(200);
    const retries = await statuses(10, (i) =>
      call(svc.register, { body: registration(phone, token, { password: `Guess-${i}-pass` }), sourceIp: attacker }),
    );
    expect(retries).toEqual(times(10, 400)); // a retry that does not match: 13001002
    expectRefused(await login(svc, phone, registration(phone, token).password, attacker), 900);
    expect((await login(svc, phone, registration(phone, token).password, ownersAddress)).status).toBe(200);
  });
});

describe('per source IP (attack: spraying)', () => {
  it('one common password at 40 phones from one address: 429 once the address has used its budget', async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: '5' } });
    const sprayer = randomIp();
    const answers: Array<Awaited<ReturnType<typeof login>>> = [];
    for (let i = 0; i < 40; i++) answers.push(await login(limited, randomPhone(), 'Password123!', sprayer));
    expect(answers.map((a) => a.status)).toEqual([...times(5, 401), ...times(35, 429)]);
    expectRefused(answers[39]!, 3600);
    // Another address is not affected.
    expect((await login(limited, randomPhone(), 'Password123!', randomIp())).status).toBe(401);
  });

  it("logging in to an account of one's own gives back that try only, never the address's count of failures", async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: '3' } });
    const own = await registeredUser(limited);
    const sprayer = randomIp();
    const guess = () => login(limited, randomPhone(), 'Password123!', sprayer);
    expect(await statuses(2, guess)).toEqual([401, 401]);
    expect((await login(limited, own.phone, own.password, sprayer)).status).toBe(200);
    expect((await guess()).status).toBe(401);
    expectRefused(await guess(), 3600);
    expectRefused(await login(limited, own.phone, own.password, sprayer), 3600);
  });

  it('counts concurrent sprays from one address exactly', async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: '5' } });
    const sprayer = randomIp();
    const answers = await Promise.all(Array.from({ length: 12 }, () => login(limited, randomPhone(), 'Password123!', sprayer)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
  });

  it('reads the address of an API Gateway REST API (payload 1.0) event too, where it is under identity', async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: '2' } });
    const sprayer = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const restLogin = async (sourceIp: string) => {
      const event = restEvent('/koodrive/ose/v1/auth/login', { account: randomPhone(), authType: '1', password: 'Password123!' }, sourceIp);
      const result = (await limited.login(event, lambdaContext())) as { statusCode: number };
      return result.statusCode;
    };
    expect([await restLogin(sprayer), await restLogin(sprayer), await restLogin(sprayer)]).toEqual([401, 401, 429]);
    expect(await restLogin('203.0.113.77')).toBe(401);
  });
});

describe('per phone (attack: guessing one account from many addresses)', () => {
  it("ends at the phone's budget, from any address and even for the right password", async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: '12' } });
    const owner = await registeredUser(limited);
    for (let source = 0; source < 4; source++) {
      const address = randomIp();
      expect(await statuses(3, (i) => login(limited, owner.phone, `Wrong-${source}-${i}`, address))).toEqual([401, 401, 401]);
    }
    expectRefused(await login(limited, owner.phone, 'Wrong-4-0', randomIp()), 24 * 3600);
    expectRefused(await login(limited, owner.phone, owner.password, randomIp()), 24 * 3600);
  });

  it("past its address's budget, an attacker's refused attempts spend nothing of the phone's", async () => {
    const limited = await service({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: '12' } });
    const owner = await registeredUser(limited);
    const attacker = randomIp();
    expect(await statuses(10, (i) => login(limited, owner.phone, `Wrong-${i}-pass`, attacker))).toEqual(times(10, 401));
    expect(await statuses(20, (i) => login(limited, owner.phone, `More-${i}-pass`, attacker))).toEqual(times(20, 429));
    // 10 of the phone's 12 are spent: the owner's success spends none for good…
    expect((await login(limited, owner.phone, owner.password, randomIp())).status).toBe(200);
    // …and a second address has the last two.
    const second = randomIp();
    expect(await statuses(2, (i) => login(limited, owner.phone, `Other-${i}-pass`, second))).toEqual([401, 401]);
    expectRefused(await login(limited, owner.phone, 'Other-2-pass', second), 24 * 3600);
  });
});

describe('an unknown phone and a wrong password (attack: timing)', () => {
  it('make the same storage requests, as counted on the wire', async () => {
    const owner = await registeredUser(svc);
    const proxy = await startCountingProxy(String(process.env['DYNAMODB_ENDPOINT']));
    try {
      const counted = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
      const requestsOf = async (account: string) => {
        proxy.reset();
        expect((await login(counted, account, 'Wrong-Pass-1', randomIp())).status).toBe(401);
        return proxy.counts();
      };
      const wrongPassword = await requestsOf(owner.phone);
      const unknownPhone = await requestsOf(randomPhone());
      expect(unknownPhone).toEqual(wrongPassword);
      expect(wrongPassword['GetItem']).toBe(2); // the phone's claim, then its user
    } finally {
      await proxy.stop();
    }
  });
});
