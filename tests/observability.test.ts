// Metrics and traces of real requests, and the alarms' settings.
//
// Metrics: the handlers' chain, in process, against DynamoDB Local. The local stage has metrics off
// and Powertools reads the switch when the service loads, so this file turns them on first.
// Traces: the register bundle as deployed, run in a fresh process with tracing on as in Lambda,
// sending its segments to a UDP socket standing in for the X-Ray daemon.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import alarms from '../infra/alarms.cjs';
import infraMetrics from '../infra/metrics.cjs';
import { ERRORS } from '../lib/errors';
import { startFaultProxy, type FaultPlan, type FaultProxy } from './tools/fault-proxy';

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

    const registered = await metricLines(async () =>
      expect((await call(s.register, { body: registration(phone, token) })).status).toBe(200),
    );
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
      {
        namespace: namespace(),
        values: { [metricNames.failures]: 1 },
        dimensions: { ...service, [ERROR_CODE_DIMENSION]: String(ERRORS.weakPassword.code) },
      },
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

    const failed = { [metricNames.failures]: 1 };
    const throttled = { [metricNames.failures]: 1, [metricNames.throttles]: 1 };
    it.each<{ cause: string; plan: FaultPlan; values: Record<string, number> }>([
      {
        cause: 'DynamoDB throttling the requests',
        plan: { error: { share: 1, type: 'ThrottlingException' } },
        values: throttled,
      },
      { cause: 'DynamoDB failing', plan: { error: { share: 1, type: 'InternalServerError' } }, values: failed },
      {
        cause: 'its transaction cancelled because an item was throttled',
        plan: { cancel: { share: 1, reason: 'ThrottlingError' } },
        values: throttled,
      },
      {
        cause: 'its transaction still in conflict after the retries',
        plan: { cancel: { share: 1, reason: 'TransactionConflict' } },
        values: failed,
      },
    ])('a register 503 for $cause counts $values', async ({ plan, values }) => {
      const { call, captchaToken, randomPhone, registration } = helpers;
      const phone = randomPhone();
      const token = await captchaToken(phone);
      proxy.setPlan(plan);
      try {
        const { emf } = await metricLines(async () =>
          expect((await call(faulty.register, { body: registration(phone, token) })).status).toBe(503),
        );
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
      secrets.push(
        requestId,
        code,
        token,
        '01ASDAa1',
        userId,
        String(sessionInfo['refreshToken']),
        String(sessionInfo['accessToken']).slice(3),
      );
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

describe('traces, from the deployed bundle with tracing on as in Lambda', () => {
  const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
  let work: string;
  let bundle: string;
  let daemon: Socket;
  const datagrams: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'koodrive-trace-'));
    bundle = join(work, 'register.js');
    // esbuild refuses to run inside jest's sandbox (its Uint8Array is another realm's): a child builds.
    const build = `require('esbuild').build({ ...require('./esbuild.config.cjs').esbuildOptions, entryPoints: ['functions/register.ts'], outfile: ${JSON.stringify(bundle)}, logLevel: 'error' }).catch(() => process.exit(1))`;
    execFileSync(process.execPath, ['-e', build], { stdio: 'pipe' });
    daemon = createSocket('udp4').on('message', (message) => datagrams.push(message.toString('utf8')));
    await new Promise<void>((ready) => daemon.bind(0, '127.0.0.1', ready));
  }, 60_000);

  afterAll(() => {
    // Unset when beforeAll failed; the failure should be what the run reports.
    (daemon as Socket | undefined)?.close();
    if ((work as string | undefined) !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the bundle on `events` in a fresh process; the answers. */
  function runBundle(events: unknown[]): Promise<Array<{ statusCode: number; body: string }>> {
    const eventsFile = join(work, 'events.json');
    writeFileSync(eventsFile, JSON.stringify(events));
    const env = {
      ...process.env,
      POWERTOOLS_TRACE_ENABLED: 'true',
      // What Lambda sets, as far as Powertools and the X-Ray SDK look (AWS_EXECUTION_ENV: set, but
      // not to an AWS_Lambda_ value, which the configuration would take for a deployed stage).
      AWS_EXECUTION_ENV: 'test',
      LAMBDA_TASK_ROOT: work,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      _HANDLER: 'register.handler',
      _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    };
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [resolve('tests/tools/lambda-process.cjs'), bundle, eventsFile], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += String(chunk)));
      child.stderr.on('data', (chunk) => (err += String(chunk)));
      child.once('error', fail);
      child.once('exit', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('RESULTS '));
        if (code !== 0 || !line) fail(new Error(`bundle exited ${code}: ${err.slice(-2000)}`));
        else done(JSON.parse(line.slice('RESULTS '.length)));
      });
    });
  }

  it('record the invocation and each DynamoDB call, flag a refusal as an error, and hold no secret', async () => {
    const { captchaToken, httpEvent, randomPhone, registration } = helpers;
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const answers = await runBundle([
      httpEvent({ body: registration(phone, token, { password: 'password' }) }), // refused: weak password
      httpEvent({ body: registration(phone, token) }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([400, 200]);
    const session = (JSON.parse(answers[1]!.body) as { data: { sessionInfo: Record<string, string> } }).data.sessionInfo;

    // The SDK sends each closed subsegment on its own; wait for both invocations'.
    const segments = () =>
      datagrams.map((d) => JSON.parse(d.slice(d.indexOf('\n') + 1)) as Record<string, any>).filter((s) => s['trace_id'] === ROOT);
    const handlers = () => segments().filter((s) => String(s['name']).startsWith('## '));
    for (let i = 0; i < 50 && handlers().length < 2; i++) await sleep(100);

    const [refused, registered] = handlers();
    expect(refused).toMatchObject({ name: '## register.handler', error: true, annotations: { ColdStart: true } });
    expect(refused).not.toHaveProperty('fault');
    expect(refused).not.toHaveProperty('cause'); // a refusal's message and stack stay out of the trace
    expect(registered).toMatchObject({ name: '## register.handler', annotations: { ColdStart: false } });
    expect(registered).not.toHaveProperty('error');
    const calls = segments().filter((s) => s['parent_id'] === registered?.['id']);
    expect(calls).toContainEqual(
      expect.objectContaining({ name: 'DynamoDB', namespace: 'aws', aws: expect.objectContaining({ operation: 'TransactWriteItems' }) }),
    );

    const text = datagrams.join('\n');
    expect(text).not.toContain('"metadata"'); // no answer recorded
    for (const secret of [
      phone,
      phone.slice(2),
      token,
      '01ASDAa1',
      'password',
      session['refreshToken'],
      String(session['accessToken']).slice(3),
    ]) {
      expect(text).not.toContain(secret);
    }
  }, 60_000);
});

describe('alarm thresholds', () => {
  const options = { service: 'svc', stage: 'prod' };
  const alarmProps = (env: NodeJS.ProcessEnv, email?: string) =>
    alarms.alarmResources({ ...options, env, ...(email ? { email } : {}) }).Resources;

  it('take overrides from the deploying shell, and refuse a bad one', () => {
    const resources = alarmProps({ ALARM_SMS_PER_5_MIN: '400', ALARM_5XX_PERCENT: '' });
    expect(resources.SmsSpikeAlarm.Properties.Threshold).toBe(400);
    expect(resources.Api5xxRateAlarm.Properties.Threshold).toBe(alarms.thresholds.ALARM_5XX_PERCENT);
    expect(() => alarmProps({ ALARM_LAMBDA_THROTTLES: 'many' })).toThrow('ALARM_LAMBDA_THROTTLES must be a positive number');
    expect(() => alarmProps({ ALARM_DYNAMODB_THROTTLES: '0' })).toThrow('ALARM_DYNAMODB_THROTTLES');
  });

  it('subscribe an e-mail address to the topic only when one is given', () => {
    expect(alarmProps({})).not.toHaveProperty('AlarmEmailSubscription');
    expect(alarmProps({}, 'ops@example.com')['AlarmEmailSubscription']).toEqual({
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'ops@example.com' },
    });
  });
});
