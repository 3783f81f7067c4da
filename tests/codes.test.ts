// docs/API.md §2: codes by SMS, attempts, expiry, the captcha token they buy, and the send limits.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../lib/store/client';
import { sha256 } from '../lib/secrets';
import { SmsSendError } from '../lib/sms/sender';
import { createHandlers } from './kit/handlers';
import { call, codeFromOutbox, configWith, lambdaContext, randomPhone, service, type Service } from './helpers';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

async function send(s: Service, phone = randomPhone(), codeType = '1', sourceIp?: string) {
  const answer = await call(s.sendCode, { body: { phone, codeType }, ...(sourceIp ? { sourceIp } : {}) });
  return { answer, requestId: String(answer.body.data?.['requestId']), phone };
}

/** A POST as an API Gateway REST API (Lambda proxy, payload 1.0) hands it over. */
function restEvent(body: object, sourceIp: string): APIGatewayProxyEvent {
  const path = '/koodrive/ose/verify/code/send';
  return {
    resource: path,
    path,
    httpMethod: 'POST',
    headers: { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: undefined,
      httpMethod: 'POST',
      identity: { sourceIp, userAgent: 'jest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: path,
      stage: 'prod',
    },
  };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('send', () => {
  it('answers opaque request ids: 32 hex digits, distinct, no order or shared structure between two sends', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await send(svc)).requestId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // A snowflake (or any clock or counter) grows from one send to the next and shares its head.
    const values = ids.map((id) => BigInt(`0x${id}`));
    const increasing = values.every((v, i) => i === 0 || v > (values[i - 1] ?? 0n));
    expect(increasing).toBe(false);
    const sharedHead = (a: string, b: string) => {
      let n = 0;
      while (n < a.length && a[n] === b[n]) n++;
      return n;
    };
    // Two random ids share a head of 8 hex digits with odds of 1 in 4·10^9.
    const heads = ids.slice(1).map((id, i) => sharedHead(id, ids[i] ?? ''));
    expect(Math.max(...heads)).toBeLessThan(8);
  });

  it('answers requestId, expireAt 5 minutes ahead and resendAfter, and texts a 6-digit code', async () => {
    const before = Date.now();
    const { answer, requestId } = await send(svc);
    expect(answer.status).toBe(200);
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const expireAt = Date.parse(String(answer.body.data?.['expireAt']));
    expect(expireAt - before).toBeGreaterThanOrEqual(300_000 - 50);
    expect(expireAt - Date.now()).toBeLessThanOrEqual(300_000);
    expect(answer.body.data?.['resendAfter']).toBe(60);
    expect(codeFromOutbox(requestId)).toMatch(/^[0-9]{6}$/);
  });

  it('stores the code only as a keyed hash', async () => {
    const { requestId } = await send(svc);
    const db = createDocumentClient(configWith());
    const { Item } = await db.send(new GetCommand({ TableName: svc.deps.config.tables.verifications, Key: { pk: `CODE#${requestId}` } }));
    const code = codeFromOutbox(requestId);
    expect(JSON.stringify(Item)).not.toContain(code);
    expect(Item?.['codeHash']).not.toBe(sha256(code));
    expect(Item?.['codeHash']).not.toBe(sha256(`${requestId}:${code}`));
  });
});

describe('validate', () => {
  it('returns a single-use token bound to the request, valid 10 minutes, stored only as a hash', async () => {
    const { requestId } = await send(svc);
    const answer = await call(svc.validateCode, { body: { requestId, code: codeFromOutbox(requestId), codeType: '1' } });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.['verified']).toBe(true);
    const token = String(answer.body.data?.['token']);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(Date.parse(String(answer.body.data?.['expireAt'])) - Date.now()).toBeGreaterThan(599_000);

    const db = createDocumentClient(configWith());
    const { Item } = await db.send(
      new GetCommand({ TableName: svc.deps.config.tables.verifications, Key: { pk: `TOKEN#${sha256(token)}` } }),
    );
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain(token);

    // The code is spent: the same right code again buys nothing.
    const again = await call(svc.validateCode, { body: { requestId, code: codeFromOutbox(requestId), codeType: '1' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(13001005);
  });

  it('counts wrong codes, then kills the request after 5 with 429 even for the right code', async () => {
    const { requestId } = await send(svc);
    const code = codeFromOutbox(requestId);
    for (let n = 1; n <= 5; n++) {
      const answer = await call(svc.validateCode, { body: { requestId, code: wrong(code), codeType: '1' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 13001005, msg: 'Incorrect verification code.', data: { verified: false, failCount: String(n) } });
    }
    const dead = await call(svc.validateCode, { body: { requestId, code, codeType: '1' } });
    expect(dead.status).toBe(429);
    expect(dead.body.code).toBe(13001006);
    expect(Number(dead.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('refuses the right code for another scenario, and an unknown request', async () => {
    const { requestId } = await send(svc, randomPhone(), '1');
    const code = codeFromOutbox(requestId);
    const otherType = await call(svc.validateCode, { body: { requestId, code, codeType: '2' } });
    expect(otherType.status).toBe(400);
    expect(otherType.body.code).toBe(13001005);
    const unknown = await call(svc.validateCode, { body: { requestId: '0123456789abcdef0123456789abcdef', code, codeType: '1' } });
    expect(unknown.body.code).toBe(13001005);
    // Neither spent the request: the right answer still works.
    expect((await call(svc.validateCode, { body: { requestId, code, codeType: '1' } })).status).toBe(200);
  });

  it('refuses an expired code', async () => {
    let now = Date.now();
    const timed = await service({ now: () => now });
    const { requestId } = await send(timed);
    now += 300_001;
    const answer = await call(timed.validateCode, { body: { requestId, code: codeFromOutbox(requestId), codeType: '1' } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(13001003);
  });

  it('under 20 concurrent guesses never counts more than 5 wrong ones and issues at most one token', async () => {
    const { requestId } = await send(svc);
    const code = codeFromOutbox(requestId);
    const guesses = Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? code : wrong(code)));
    const answers = await Promise.all(guesses.map((c) => call(svc.validateCode, { body: { requestId, code: c, codeType: '1' } })));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    const counts = answers.map((a) => Number(a.body.data?.['failCount'] ?? 0));
    expect(Math.max(...counts)).toBeLessThanOrEqual(5);
  });
});

describe('send limits', () => {
  it('holds a resend to the cooldown with 429 and Retry-After', async () => {
    const { phone } = await send(svc);
    const again = await send(svc, phone);
    expect(again.answer.status).toBe(429);
    expect(again.answer.body.code).toBe(13001006);
    const retryAfter = Number(again.answer.headers['Retry-After']);
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  // The SMS provider is the outside world: here it fails once, the way the AWS SDK reports SNS failing.
  const providerFailure = (fields: Record<string, unknown>) => new SmsSendError(Object.assign(new Error('provider said so'), fields));
  async function sendFailing(phone: string, failure: SmsSendError) {
    const failing = { ...svc.deps, sms: { send: () => Promise.reject(failure) } };
    return call(createHandlers(() => Promise.resolve(failing)).sendCode, { body: { phone, codeType: '1' } });
  }

  it('lifts the cooldown of a send the provider declined (nothing went out): the client may ask again at once', async () => {
    const phone = randomPhone();
    const throttled = providerFailure({ name: 'ThrottlingException', $fault: 'client', $retryable: { throttling: true }, $metadata: {} });
    const failed = await sendFailing(phone, throttled);
    expect(failed.status).toBe(503);
    expect(failed.headers['Retry-After']).toBe('1');

    expect((await send(svc, phone)).answer.status).toBe(200);
    // The retry's own cooldown holds as usual.
    expect((await send(svc, phone)).answer.status).toBe(429);
  });

  it('keeps the cooldown of a send whose outcome is unknown (the SMS may still arrive)', async () => {
    const phone = randomPhone();
    const failed = await sendFailing(phone, providerFailure({ name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: {} }));
    expect(failed.status).toBe(503);
    expect((await send(svc, phone)).answer.status).toBe(429);
  });

  it("lifts only the cooldown it set, never a later send's", async () => {
    const store = svc.deps.verifications;
    const cooldown = { key: `phone#${randomPhone()}`, seconds: 60 };
    const code = (requestId: string) => ({
      requestId,
      phone: '0099',
      codeType: '1' as const,
      codeHash: 'h',
      expiresAt: Date.now() + 60_000,
      failCount: 0,
      redeemed: false,
    });
    const first = Date.now();
    await store.saveCode(code(String(first)), { quotas: [], cooldown, now: first });
    const second = first + 61_000; // after the first cooldown ended
    await store.saveCode(code(String(second)), { quotas: [], cooldown, now: second });

    await store.releaseCooldown(cooldown, first); // stale: must leave the second one alone
    await expect(store.saveCode(code(String(second + 1)), { quotas: [], cooldown, now: second + 1_000 })).resolves.toMatchObject({
      kind: 'limited',
    });
    await store.releaseCooldown(cooldown, second);
    await expect(store.saveCode(code(String(second + 2)), { quotas: [], cooldown, now: second + 1_000 })).resolves.toEqual({ kind: 'ok' });
  });

  it('caps codes per phone per hour, counting nothing for a refused send', async () => {
    let now = Date.UTC(2030, 0, 1, 10, 0, 0);
    const timed = await service({ now: () => now, env: { SMS_MAX_PER_PHONE_PER_HOUR: '3' } });
    const phone = randomPhone();
    for (let i = 0; i < 3; i++) {
      expect((await send(timed, phone)).answer.status).toBe(200);
      expect((await send(timed, phone)).answer.status).toBe(429); // cooldown: must not spend the quota
      now += 61_000;
    }
    const capped = await send(timed, phone);
    expect(capped.answer.status).toBe(429);
    expect(Number(capped.answer.headers['Retry-After'])).toBe(3600 - 3 * 61);
    now = Date.UTC(2030, 0, 1, 11, 0, 0);
    expect((await send(timed, phone)).answer.status).toBe(200);
  });

  it('caps codes per source IP per hour', async () => {
    const timed = await service({ env: { SMS_MAX_PER_IP_PER_HOUR: '2' } });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    expect((await send(timed, randomPhone(), '1', ip)).answer.status).toBe(200);
    expect((await send(timed, randomPhone(), '1', ip)).answer.status).toBe(200);
    const capped = await send(timed, randomPhone(), '1', ip);
    expect(capped.answer.status).toBe(429);
    expect(Number(capped.answer.headers['Retry-After'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await send(timed, randomPhone(), '1', '203.0.113.9')).answer.status).toBe(200);
  });

  it('caps codes per source IP from a REST API (payload 1.0) event too, where the address is under identity', async () => {
    const timed = await service({ env: { SMS_MAX_PER_IP_PER_HOUR: '2' } });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const sendRest = async (sourceIp: string) => {
      const event = restEvent({ phone: randomPhone(), codeType: '1' }, sourceIp);
      const result = (await timed.sendCode(event as unknown as APIGatewayProxyEventV2, lambdaContext())) as { statusCode: number };
      return result.statusCode;
    };
    expect(await sendRest(ip)).toBe(200);
    expect(await sendRest(ip)).toBe(200);
    expect(await sendRest(ip)).toBe(429);
    expect(await sendRest('203.0.113.9')).toBe(200);
  });
});
