// Metrics of real requests: the handlers' chain, in process, against DynamoDB Local. The local
// stage has metrics off and Powertools reads the switch when the service loads, so this file turns
// them on first.
import infraMetrics from '../infra/metrics.cjs';
import { ERRORS } from '../lib/errors';
import { startFaultProxy, type FaultProxy } from './tools/fault-proxy';

const { metricNames, ERROR_CODE_DIMENSION, SERVICE_DIMENSION } = infraMetrics;

// Read by Powertools when the service loads: before the helpers load it.
process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
let helpers: typeof import('./helpers');
beforeAll(async () => {
  helpers = await import('./helpers');
});

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** The EMF lines written while `action` runs (they still reach the run's log, scanned for secrets). */
async function metricLines(action: () => Promise<unknown>): Promise<{ lines: string[]; emf: Emf[] }> {
  const lines: string[] = [];
  const write = process.stdout.write;
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: any[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws":')) lines.push(text);
    return write.call(process.stdout, chunk, ...rest);
  });
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  return { lines, emf: lines.map((l) => JSON.parse(l) as Emf) };
}

/** One EMF line read back: its metric values and dimensions, each dimension set checked. */
function counted(emf: Emf) {
  const [directive] = emf._aws.CloudWatchMetrics;
  const values: Record<string, unknown> = {};
  for (const m of directive!.Metrics) values[m.Name] = emf[m.Name];
  const dimensions: Record<string, unknown> = {};
  for (const name of directive!.Dimensions.flat()) dimensions[name] = emf[name];
  return { namespace: directive!.Namespace, values, dimensions };
}

const send = (svc: import('./helpers').Service, phone: string) => helpers.call(svc.sendCode, { body: { phone, codeType: '1' } });

describe('metrics', () => {
  const namespace = () => String(process.env['POWERTOOLS_METRICS_NAMESPACE']);
  const service = { [SERVICE_DIMENSION]: process.env['POWERTOOLS_SERVICE_NAME'] };

  it('a sign-up counts SignUps once, a sent code CodesSent, under the stage namespace and the service', async () => {
    const { call, captchaToken, randomPhone, registration, service: svc } = helpers;
    const s = await svc();
    const phone = randomPhone();
    const token = await captchaToken(phone);

    const registered = await metricLines(async () => expect((await call(s.register, { body: registration(phone, token) })).status).toBe(200));
    expect(registered.emf.map(counted)).toEqual([{ namespace: namespace(), values: { [metricNames.signUps]: 1 }, dimensions: service }]);

    const sent = await metricLines(async () => expect((await send(s, randomPhone())).status).toBe(200));
    expect(sent.emf.map(counted)).toEqual([{ namespace: namespace(), values: { [metricNames.codesSent]: 1 }, dimensions: service }]);
  });

  it('a refused request counts one failure under its SPEC code, and no success', async () => {
    const { call, captchaToken, randomPhone, registration, service: svc } = helpers;
    const s = await svc();
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const { emf } = await metricLines(async () =>
      expect((await call(s.register, { body: registration(phone, token, { password: 'password' }) })).status).toBe(400),
    );
    expect(emf.map(counted)).toEqual([
      { namespace: namespace(), values: { [metricNames.failures]: 1 }, dimensions: { ...service, [ERROR_CODE_DIMENSION]: String(ERRORS.weakPassword.code) } },
    ]);
  });

  it('a 429 counts a failure and a throttle', async () => {
    const s = await helpers.service();
    const phone = helpers.randomPhone();
    expect((await send(s, phone)).status).toBe(200);
    const { emf } = await metricLines(async () => expect((await send(s, phone)).status).toBe(429)); // within the resend cooldown
    expect(emf.map(counted)).toEqual([
      {
        namespace: namespace(),
        values: { [metricNames.failures]: 1, [metricNames.throttles]: 1 },
        dimensions: { ...service, [ERROR_CODE_DIMENSION]: String(ERRORS.tooManyAttempts.code) },
      },
    ]);
  });

  describe('storage trouble (503)', () => {
    let proxy: FaultProxy;
    let faulty: import('./helpers').Service;
    beforeAll(async () => {
      proxy = await startFaultProxy(String(process.env['DYNAMODB_ENDPOINT']));
      faulty = await helpers.service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
    });
    afterAll(() => proxy.stop());

    it.each([
      ['ThrottlingException', { [metricNames.failures]: 1, [metricNames.throttles]: 1 }],
      ['InternalServerError', { [metricNames.failures]: 1 }],
    ] as const)('%s counts %j', async (type, values) => {
      proxy.setPlan({ error: { share: 1, type } });
      try {
        const { emf } = await metricLines(async () => expect((await send(faulty, helpers.randomPhone())).status).toBe(503));
        expect(emf.map(counted)).toEqual([
          { namespace: namespace(), values, dimensions: { ...service, [ERROR_CODE_DIMENSION]: String(ERRORS.serviceBusy.code) } },
        ]);
      } finally {
        proxy.setPlan({});
      }
    });
  });

  it('an answer that counts nothing writes no metrics line', async () => {
    const s = await helpers.service();
    const { lines } = await metricLines(async () => expect((await helpers.call(s.jwks)).status).toBe(200));
    expect(lines).toEqual([]);
  });

  it('a whole sign-up writes only bounded keys: no phone, code, token, password or id', async () => {
    const { call, codeFromOutbox, randomPhone, registration, service: svc } = helpers;
    const s = await svc();
    const phone = randomPhone();
    const secrets: string[] = [phone, phone.slice(2)];
    const { lines, emf } = await metricLines(async () => {
      const sent = await send(s, phone);
      const requestId = String(sent.body.data?.['requestId']);
      const code = codeFromOutbox(requestId);
      await call(s.validateCode, { body: { requestId, code: code === '000000' ? '000001' : '000000', codeType: '1' } });
      const token = String((await call(s.validateCode, { body: { requestId, code, codeType: '1' } })).body.data?.['token']);
      const registered = await call(s.register, { body: registration(phone, token) });
      await call(s.register, { body: registration(phone, token, { firstname: 'Other' }) }); // refused: token spent
      const { userId, sessionInfo } = registered.body.data as { userId: string; sessionInfo: Record<string, string> };
      secrets.push(requestId, code, token, '01ASDAa1', userId, String(sessionInfo['refreshToken']), String(sessionInfo['accessToken']).slice(3));
    });
    expect(emf.length).toBe(4); // sent, wrong code, registered, refused (a right code counts nothing)
    const allowed = new Set(['_aws', SERVICE_DIMENSION, ERROR_CODE_DIMENSION, ...Object.values(metricNames)]);
    const codes = new Set(Object.values(ERRORS).map((e) => String(e.code)));
    for (const line of emf) {
      for (const key of Object.keys(line)) expect(allowed).toContain(key);
      if (ERROR_CODE_DIMENSION in line) expect(codes).toContain(line[ERROR_CODE_DIMENSION]);
    }
    for (const secret of secrets) expect(lines.join('')).not.toContain(secret);
  });
});
