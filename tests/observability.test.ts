// Metrics and traces of real requests, and the alarms' settings.
//
// Metrics: the handlers' chain, in process, against DynamoDB Local. The local stage has metrics off
// and Powertools reads the switch when the service loads, so this file turns them on first.
// Traces: the register and send-code bundles as deployed, each run in a fresh process with tracing
// on as in Lambda, sending its segments to a UDP socket standing in for the X-Ray daemon.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { esbuildOptions } from '../esbuild.config.cjs';
import alarms from '../infra/alarms.cjs';
import infraMetrics from '../infra/metrics.cjs';
import { ERRORS } from '../lib/errors';
import { newTraceRoot, tracedLambdaEnv } from './kit/traced-lambda-env';
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

  it('a refused request counts one failure under its API error code, and no success', async () => {
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

  it('the SMS provider throttling counts a failure, not a storage throttle', async () => {
    const s = await helpers.service();
    const { createHandlers } = await import('./kit/handlers');
    const { SmsSendError } = await import('../lib/sms/sender');
    const sdkError = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $retryable: { throttling: true },
      $metadata: {},
    });
    const failing = createHandlers(() => Promise.resolve({ ...s.deps, sms: { send: () => Promise.reject(new SmsSendError(sdkError)) } }));
    const { emf } = await metricLines(async () =>
      expect((await helpers.call(failing.sendCode, { body: { phone: helpers.randomPhone(), codeType: '1' } })).status).toBe(503),
    );
    expect(emf.map(counted)).toEqual([
      {
        namespace: namespace(),
        values: { [metricNames.failures]: 1 },
        dimensions: { ...service, [ERROR_CODE_DIMENSION]: String(ERRORS.serviceBusy.code) },
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

describe('traces, from the deployed bundles with tracing on as in Lambda', () => {
  let work: string;
  let daemon: Socket;
  const datagrams: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'koodrive-trace-'));
    await build({
      ...esbuildOptions,
      entryPoints: { register: 'functions/register.ts', 'send-code': 'functions/send-code.ts' },
      outdir: work,
      logLevel: 'error',
    });
    daemon = createSocket('udp4').on('message', (message) => datagrams.push(message.toString('utf8')));
    await new Promise<void>((ready) => daemon.bind(0, '127.0.0.1', ready));
  }, 60_000);

  afterAll(() => {
    // Unset when beforeAll failed; the failure should be what the run reports.
    (daemon as Socket | undefined)?.close();
    if ((work as string | undefined) !== undefined) rmSync(work, { recursive: true, force: true });
  });

  interface Run {
    answers: Array<{ statusCode: number; body: string }>;
    /** Everything the process wrote: its log lines. */
    logs: string;
    /** The segments of the run's trace received so far. */
    segments: () => Array<Record<string, any>>;
    /** The invocations' subsegments, once `count` of them arrived (the SDK sends each as it closes). */
    invocations: (count: number) => Promise<Array<Record<string, any>>>;
  }

  /** Runs the bundle `name` on `events` in a fresh process, in a trace of its own, with `env` on top. */
  function runBundle(name: string, events: unknown[], env: Record<string, string> = {}): Promise<Run> {
    const root = newTraceRoot();
    const eventsFile = join(work, `${name}-events.json`);
    writeFileSync(eventsFile, JSON.stringify(events));
    const segments = () =>
      datagrams.map((d) => JSON.parse(d.slice(d.indexOf('\n') + 1)) as Record<string, any>).filter((s) => s['trace_id'] === root);
    const invocations = async (count: number) => {
      const found = () => segments().filter((s) => String(s['name']).startsWith('## '));
      for (let i = 0; i < 50 && found().length < count; i++) await sleep(100);
      return found();
    };
    const childEnv = {
      ...process.env,
      ...tracedLambdaEnv({ taskRoot: work, handler: `${name}.handler`, daemonAddress: `127.0.0.1:${daemon.address().port}`, root }),
      ...env,
    };
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [resolve('tests/tools/lambda-process.cjs'), join(work, `${name}.js`), eventsFile], {
        env: childEnv,
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
        else done({ answers: JSON.parse(line.slice('RESULTS '.length)), logs: out + err, segments, invocations });
      });
    });
  }

  it('record the invocation and each DynamoDB call, flag a refusal as an error, and hold no secret', async () => {
    const { captchaToken, httpEvent, randomPhone, registration } = helpers;
    const phone = randomPhone();
    const token = await captchaToken(phone);
    const second = await captchaToken(phone);
    const run = await runBundle('register', [
      httpEvent({ body: registration(phone, token, { password: 'password' }) }), // refused: weak password
      httpEvent({ body: registration(phone, token) }),
      // Refused by DynamoDB: the transaction's condition on the PHONE#<phone> item fails.
      httpEvent({ body: registration(phone, second) }),
    ]);
    expect(run.answers.map((a) => a.statusCode)).toEqual([400, 200, 409]);
    const session = (JSON.parse(run.answers[1]!.body) as { data: { sessionInfo: Record<string, string> } }).data.sessionInfo;

    const [refused, registered, taken] = await run.invocations(3);
    expect(refused).toMatchObject({ name: '## register.handler', error: true, annotations: { ColdStart: true } });
    expect(refused).not.toHaveProperty('fault');
    expect(refused).not.toHaveProperty('cause'); // a refusal's message and stack stay out of the trace
    expect(registered).toMatchObject({ name: '## register.handler', annotations: { ColdStart: false } });
    expect(registered).not.toHaveProperty('error');
    const callsOf = (invocation: Record<string, any> | undefined) => run.segments().filter((s) => s['parent_id'] === invocation?.['id']);
    expect(callsOf(registered)).toContainEqual(
      expect.objectContaining({ name: 'DynamoDB', namespace: 'aws', aws: expect.objectContaining({ operation: 'TransactWriteItems' }) }),
    );
    // The X-Ray SDK records a failed call's error message, whatever Powertools is told: DynamoDB's
    // name reasons and attributes, never the key or item (checked below with the secrets).
    expect(callsOf(taken)).toContainEqual(
      expect.objectContaining({
        name: 'DynamoDB',
        error: true,
        cause: expect.objectContaining({
          exceptions: [
            expect.objectContaining({ type: 'TransactionCanceledException', message: expect.stringContaining('ConditionalCheckFailed') }),
          ],
        }),
      }),
    );

    const text = datagrams.join('\n');
    expect(text).not.toContain('"metadata"'); // no answer recorded
    for (const secret of [
      phone,
      phone.slice(2),
      token,
      second,
      '01ASDAa1',
      'password',
      session['refreshToken'],
      String(session['accessToken']).slice(3),
    ]) {
      expect(text).not.toContain(secret);
    }
  }, 60_000);

  it('leave SNS out, and a failed SMS puts no phone number in the trace or the log', async () => {
    const { httpEvent, randomPhone } = helpers;
    const phone = randomPhone();
    const digits = phone.slice(2);
    // SNS answering a number it will not publish to: its message repeats the number.
    const published: string[] = [];
    const sns = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        published.push(decodeURIComponent(body));
        res.writeHead(400, { 'Content-Type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code>` +
            `<Message>Invalid parameter: PhoneNumber Reason: +${digits} is not valid to publish to</Message></Error>` +
            `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((ready) => sns.listen(0, '127.0.0.1', ready));
    try {
      const run = await runBundle('send-code', [httpEvent({ body: { phone, codeType: '1' } })], {
        SMS_SENDER: 'sns',
        AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(sns.address() as AddressInfo).port}`,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      expect(run.answers.map((a) => a.statusCode)).toEqual([500]);
      expect(published.join('\n')).toContain(`PhoneNumber=+${digits}`); // SNS was asked, and refused

      const [invocation] = await run.invocations(1);
      // The service's fault, recorded by the error's name alone.
      expect(invocation).toMatchObject({
        name: '## send-code.handler',
        fault: true,
        cause: { exceptions: [expect.objectContaining({ type: 'InvalidParameterException' })] },
      });
      expect(run.segments().map((s) => s['name'])).not.toContain('SNS');
      expect(run.logs).toContain('InvalidParameterException');
      for (const where of [datagrams.join('\n'), run.logs]) expect(where).not.toContain(digits);
    } finally {
      sns.close();
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
