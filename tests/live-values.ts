// The replay's side of the OpenAPI suite (tests/openapi.test.ts): plain HTTP to the local stack
// from an address of the run's own, and the live values the replay's table (tests/openapi/
// live-table.ts) names for an example (a fresh phone, SMS code, captcha or access token), made
// through the service's own HTTP API.
import { randomInt } from 'node:crypto';
import { createServer, request } from 'node:http';
import { createClient } from '../client';
import { routes } from '../infra/routes.cjs';
import { MAX_BODY_BYTES } from '../lib/api/fields';
import { captchaToken, codeFromOutbox, sentCode, wrongCode, type Minter } from './kit/codes';
import { randomPhone } from './kit/phones';
import { registeredUser, registration } from './kit/users';
import type { LivePointer, LiveValue } from './openapi/live-table';
import type { ReplayCase } from './openapi/replay';

/**
 * A loopback address for this run alone, so that its sends count against a per-IP quota of their
 * own and never against the one other suites' stacks share on 127.0.0.1. Linux routes all of
 * 127.0.0.0/8 to loopback; macOS has only 127.0.0.1 (binding another is EADDRNOTAVAIL), so there
 * this is 127.0.0.1, and the run's sends use up that address's hourly quota (SMS_MAX_PER_IP_PER_HOUR)
 * for the other suites that call a stack over HTTP: run this suite alone if they answer 429.
 */
export async function ownLoopbackAddress(): Promise<string> {
  const candidate = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL') resolve('127.0.0.1');
      else reject(error);
    });
    probe.listen(0, candidate, () => probe.close(() => resolve(candidate)));
  });
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const AGENT_NAME = 'openapi-test';
const AGENT = { 'x-hw-agentName': AGENT_NAME, 'Content-Type': 'application/json' };

/** The stack at `baseUrl`, called from `localAddress` (node:http: fetch cannot pick its source address). */
export class HttpApi {
  private readonly url: URL;

  constructor(
    readonly baseUrl: string,
    private readonly localAddress: string,
  ) {
    this.url = new URL(baseUrl);
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    const { hostname: host, port } = this.url;
    return new Promise((resolve, reject) => {
      const req = request({ host, port, method, path, headers, localAddress: this.localAddress }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A WHATWG fetch through send(): for the typed client, from this API's address. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const { pathname, search } = new URL(request.url);
    const body = request.body ? await request.text() : undefined;
    const reply = await this.send(request.method, pathname + search, Object.fromEntries(request.headers), body);
    return new Response(reply.text, { status: reply.status, headers: reply.headers });
  };

  /** A JSON POST as a client app sends it. */
  async post(path: string, body: object): Promise<{ status: number; body: { code: number; data?: Record<string, any> } }> {
    const reply = await this.send('POST', path, AGENT, JSON.stringify(body));
    return { status: reply.status, body: JSON.parse(reply.text) as { code: number; data?: Record<string, any> } };
  }
}

/** The case's request with its live values in place, each made fresh for it. */
export async function liveRequest(
  api: HttpApi,
  c: ReplayCase,
): Promise<{ headers: Record<string, string>; query: Record<string, string>; body: unknown }> {
  const flow = new Flow(api);
  const headers = { ...c.headers };
  const query = { ...c.query };
  const body: unknown = structuredClone(c.body);
  for (const [pointer, name] of Object.entries(c.live) as Array<[LivePointer, LiveValue]>) {
    const [, where, key] = pointer.split('/') as [string, 'body' | 'query' | 'headers', string];
    const value = await flow.get(name);
    if (where === 'headers') headers[key] = value;
    else if (where === 'query') query[key] = value;
    else if (typeof body === 'object' && body !== null) (body as Record<string, unknown>)[key] = value;
    else throw new Error(`${c.operationId}: ${c.name} puts a live value into a body that is not an object`);
  }
  return { headers, query, body };
}

/** Calls until the answer is 429 (what a used-up limit answers), at most `tries` times. */
async function until429(call: () => Promise<{ status: number }>, what: string, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) if ((await call()).status === 429) return;
  throw new Error(`${what}: no 429 after ${tries} calls`);
}

/** The live values of one case, each made once, on first use, from fresh phones and users. */
class Flow {
  private readonly made = new Map<string, Promise<unknown>>();
  /** The typed client over this API, and the local outbox its codes land in. */
  readonly minter: Minter;

  constructor(readonly api: HttpApi) {
    this.minter = { client: createClient({ baseUrl: api.baseUrl, agentName: AGENT_NAME, fetch: api.fetch }), codeOf: codeFromOutbox };
  }

  get(name: LiveValue): Promise<string> {
    return this.once(name, () => LIVE[name](this));
  }

  user(): ReturnType<typeof registeredUser> {
    return this.once('user', () => registeredUser(this.minter));
  }

  /** A user whose password tries are used up. */
  lockedUser(): ReturnType<typeof registeredUser> {
    return this.once('lockedUser', async () => {
      const user = await registeredUser(this.minter);
      const wrongPassword = { account: user.phone, authType: '1', password: 'Not-the-1-password' };
      await until429(() => this.api.post(routes.login.path, wrongPassword), 'wrong passwords');
      return user;
    });
  }

  /** A phone that got a phone-change token (asked for by `user`) while free, then was registered by another user. */
  takenNumber(): Promise<{ phone: string; token: string }> {
    return this.once('takenNumber', async () => {
      const phone = randomPhone();
      const token = await captchaToken(this.minter, phone, '4', (await this.user()).session.accessToken);
      await this.minter.client.register(registration(phone, await captchaToken(this.minter, phone, '1')));
      return { phone, token };
    });
  }

  /** A user deleted through the API after a password-reset code was sent to its phone: the user, and the token of that code. */
  deletedUser(): Promise<Awaited<ReturnType<typeof registeredUser>> & { resetToken: string }> {
    return this.once('deletedUser', async () => {
      const user = await registeredUser(this.minter);
      const resetToken = await captchaToken(this.minter, user.phone, '3');
      await this.minter.client.userDelete({ userId: user.userId, accessToken: user.session.accessToken });
      return { ...user, resetToken };
    });
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as Promise<T>;
  }
}

/** How each live value of the replay's table is made. */
export const LIVE: Readonly<Record<LiveValue, (flow: Flow) => Promise<string>>> = {
  phone: () => Promise.resolve(randomPhone()),
  requestId: async (f) => (await f.minter.client.sendCode({ phone: await f.get('phone'), codeType: '1' })).requestId,
  code: async (f) => codeFromOutbox(await f.get('requestId')),
  wrongCode: async (f) => wrongCode(await f.get('code')),
  spentRequestId: async ({ api, minter }) => {
    const { requestId, code } = await sentCode(minter, randomPhone());
    const body = { requestId, code: wrongCode(code), codeType: '1' };
    await until429(() => api.post(routes.validateCode.path, body), 'wrong codes');
    return requestId;
  },
  captchaToken: async (f) =>
    (await f.minter.client.validateCode({ requestId: await f.get('requestId'), code: await f.get('code'), codeType: '1' })).token,
  exhaustedPhone: async ({ api }) => {
    const phone = randomPhone();
    await until429(() => api.post(routes.sendCode.path, { phone, codeType: '1' }), 'sends to one phone');
    return phone;
  },
  userPhone: async (f) => (await f.user()).phone,
  userId: async (f) => (await f.user()).userId,
  accessToken: async (f) => (await f.user()).session.accessToken,
  refreshToken: async (f) => (await f.user()).session.refreshToken,
  userCaptchaToken: async (f) => captchaToken(f.minter, (await f.user()).phone, '1'),
  loginCaptchaToken: async (f) => captchaToken(f.minter, (await f.user()).phone, '2'),
  lockedPhone: async (f) => (await f.lockedUser()).phone,
  lockedUserId: async (f) => (await f.lockedUser()).userId,
  lockedAccessToken: async (f) => (await f.lockedUser()).session.accessToken,
  phoneChangeToken: async (f) => captchaToken(f.minter, await f.get('phone'), '4', await f.get('accessToken')),
  takenPhone: async (f) => (await f.takenNumber()).phone,
  takenPhoneToken: async (f) => (await f.takenNumber()).token,
  resetCaptchaToken: async (f) => captchaToken(f.minter, (await f.user()).phone, '3'),
  deletedPhone: async (f) => (await f.deletedUser()).phone,
  deletedResetToken: async (f) => (await f.deletedUser()).resetToken,
  deletedUserId: async (f) => (await f.deletedUser()).userId,
  deletedAccessToken: async (f) => (await f.deletedUser()).session.accessToken,
  oversized: () => Promise.resolve('x'.repeat(MAX_BODY_BYTES)),
};
