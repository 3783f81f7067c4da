// The deployed SMS path: a SigV4-signed SNS Publish (lib/sms/sns.ts), checked by a stand-in that
// verifies what SNS would (tests/tools/sns-stand-in.ts), and each way SNS can fail reported as
// SmsSendError reads it: declined (nothing went out) or of unknown outcome, worth a retry or not.
import { SmsSendError } from '../lib/sms/sender';
import { publishForm, SnsSmsSender } from '../lib/sms/sns';
import { smsText } from '../lib/sms/texts';
import { call, randomPhone, service } from './helpers';
import { SnsStandIn } from './tools/sns-stand-in';

const REGION = 'eu-west-1';
const CALLER = { accessKeyId: 'AKIASENDCODE', secretAccessKey: 'secret-of-sendCode', sessionToken: 'token-of-sendCode' };

let sns: SnsStandIn;
const saved = { ...process.env };

beforeAll(async () => {
  sns = new SnsStandIn(REGION, { [CALLER.accessKeyId]: CALLER });
  const endpoint = await sns.start();
  process.env['AWS_ENDPOINT_URL_SNS'] = endpoint;
  process.env['AWS_ACCESS_KEY_ID'] = CALLER.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = CALLER.secretAccessKey;
  process.env['AWS_SESSION_TOKEN'] = CALLER.sessionToken;
});
afterAll(async () => {
  process.env = saved;
  await sns.stop();
});
beforeEach(() => {
  sns.failures.length = 0;
});

const message = (phone: string, language: 'en' | 'ar' = 'en') => ({
  phone,
  code: '042917',
  codeType: '1' as const,
  requestId: 'r',
  language,
});

/** What `send` threw, or undefined when it sent. */
async function failureOf(send: Promise<void>): Promise<SmsSendError | undefined> {
  try {
    await send;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SmsSendError);
    return error as SmsSendError;
  }
}

describe('SNS Publish, signed', () => {
  const sender = new SnsSmsSender(REGION);

  it.each(['en', 'ar'] as const)('publishes one transactional SMS in %s to the E.164 number, signed as SNS checks', async (language) => {
    const phone = randomPhone();
    await sender.send(message(phone, language));
    expect(sns.published.at(-1)).toEqual({
      accessKeyId: CALLER.accessKeyId,
      phoneNumber: `+${phone.slice(2)}`,
      message: smsText('042917', language),
      attributes: { 'AWS.SNS.SMS.SMSType': 'Transactional' },
    });
  });

  it('encodes the form as the AWS SDKs do: every reserved character, non-ASCII text and spaces as %20', () => {
    const text = "a b+c&d=e!'()*~ رمز \u2066";
    const body = publishForm('+27820000001', text);
    expect(body).not.toMatch(/[ !'()*+]/);
    expect(new URLSearchParams(body).get('Message')).toBe(text);
    expect(new URLSearchParams(body).get('PhoneNumber')).toBe('+27820000001');
  });

  it('is refused when signed with another secret: declined, not worth a retry, nothing published', async () => {
    const count = sns.published.length;
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-secret';
    try {
      const error = await failureOf(sender.send(message(randomPhone())));
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatchException', refused: true, transient: false });
    } finally {
      process.env['AWS_SECRET_ACCESS_KEY'] = CALLER.secretAccessKey;
    }
    expect(sns.published.length).toBe(count);
  });

  it.each([
    ['throttled', { status: 400, type: 'Sender', code: 'Throttled' }, { name: 'ThrottledException', refused: true, transient: true }],
    [
      'a refused number',
      { status: 400, type: 'Sender', code: 'InvalidParameter' },
      { name: 'InvalidParameterException', refused: true, transient: false },
    ],
    ['opted out', { status: 400, type: 'Sender', code: 'OptedOut' }, { name: 'OptedOutException', refused: true, transient: false }],
    [
      'its own fault',
      { status: 500, type: 'Receiver', code: 'InternalError' },
      { name: 'InternalErrorException', refused: false, transient: true },
    ],
  ] as const)('reports SNS %s as the SDK would', async (_, failure, expected) => {
    sns.failures.push({ ...failure, message: 'Invalid parameter: PhoneNumber Reason: +27820000001 is not valid to publish to' });
    const error = await failureOf(sender.send(message(randomPhone())));
    expect(error).toMatchObject(expected);
    expect(error?.$metadata).toMatchObject({ httpStatusCode: failure.status, requestId: expect.any(String) });
    // SNS's message can repeat the number: nothing of it is kept.
    expect(JSON.stringify(error) + String(error) + String(error?.stack)).not.toContain('27820000001');
  });

  it('reports no answer within its timeout as of unknown outcome (it may still arrive): a TimeoutError, not declined', async () => {
    sns.failures.push('silent');
    const error = await failureOf(new SnsSmsSender(REGION, 300).send(message(randomPhone())));
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', refused: false, transient: true });
  });

  it('reports a refused connection as of unknown outcome, not declined', async () => {
    const endpoint = process.env['AWS_ENDPOINT_URL_SNS'];
    process.env['AWS_ENDPOINT_URL_SNS'] = 'http://127.0.0.1:1/';
    try {
      const error = await failureOf(sender.send(message(randomPhone())));
      expect(error).toMatchObject({ code: 'ECONNREFUSED', refused: false, transient: true });
    } finally {
      process.env['AWS_ENDPOINT_URL_SNS'] = endpoint;
    }
  });
});

describe('send-code with SMS_SENDER=sns', () => {
  it('texts the code through SNS, and that code validates', async () => {
    const svc = await service({ env: { SMS_SENDER: 'sns', AWS_REGION: REGION } });
    const phone = randomPhone();
    const sent = await call(svc.sendCode, { body: { phone, codeType: '1' } });
    expect(sent.status).toBe(200);
    const published = sns.published.filter((p) => p.phoneNumber === `+${phone.slice(2)}`);
    expect(published).toHaveLength(1);
    const code = /\d{6}/.exec(published[0]!.message)?.[0];
    const requestId = (sent.body.data as { requestId: string }).requestId;
    const validated = await call(svc.validateCode, { body: { requestId, code, codeType: '1' } });
    expect(validated.status).toBe(200);
  });

  it('answers 503 with Retry-After when SNS throttles, and sends the retry', async () => {
    const svc = await service({ env: { SMS_SENDER: 'sns', AWS_REGION: REGION } });
    const phone = randomPhone();
    sns.failures.push({ status: 400, type: 'Sender', code: 'Throttled' });
    const throttled = await call(svc.sendCode, { body: { phone, codeType: '1' } });
    expect([throttled.status, throttled.headers['Retry-After']]).toEqual([503, '1']);
    // Declined, so its cooldown was lifted: the retry goes out at once.
    expect((await call(svc.sendCode, { body: { phone, codeType: '1' } })).status).toBe(200);
  });
});
