// Drives the real handlers (full middy chain) against DynamoDB Local, the way API Gateway would.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, type ClientOptions, type KooDriveClient } from '../client';
import { createDeps, type Deps, type DepsProvider } from '../lib/container';
import { createSmsSender } from '../lib/sms/create';
import { parseConfig, type Config } from '../lib/config';
import { createHandlers } from '../scripts/handlers';
import { inProcessFetch } from './kit/in-process-fetch';
import { call as invoke, type Answer, type EventOptions } from './kit/invoke';
import { recordSecrets } from './harness/leak-watch';
import type { CodeType, SessionInfo } from '../lib/api/fields';

export type { SessionInfo };

export { httpEvent, lambdaContext, type Answer, type EventOptions } from './kit/invoke';

/** Invokes a handler; the secrets a successful call used or got are recorded for the leak scan. */
export async function call(handler: Parameters<typeof invoke>[0], options: EventOptions = {}): Promise<Answer> {
  const answer = await invoke(handler, options);
  if (answer.status === 200) recordSecrets(options.body, answer.body.data);
  return answer;
}

/** `inner` recording, like call(), the secrets of every successful request for the leak scan. */
export function leakWatched(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status === 200) {
      const sent = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      recordSecrets(sent, ((await response.clone().json()) as { data?: unknown }).data);
    }
    return response;
  };
}

/** The typed client on a service's handlers in this process (or on `options.fetch`), leak-watched. */
export function clientFor(svc: Service, options: Partial<ClientOptions> = {}): KooDriveClient {
  return createClient({ baseUrl: 'http://in-process', agentName: 'test-agent', fetch: leakWatched(inProcessFetch(svc)), ...options });
}

/** A phone number nobody else in this run uses, in canonical form. */
export const randomPhone = (): string => `0099${randomInt(10_000_000, 99_999_999)}`;

export function configWith(overrides: Record<string, string> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}

let sharedDeps: Promise<Deps> | undefined;

/** The handlers on dependencies built from the environment, optionally with other settings or clock. */
export async function service(options: { env?: Record<string, string>; now?: () => number } = {}) {
  let deps: Promise<Deps>;
  if (!options.env && !options.now) {
    sharedDeps ??= createDeps(configWith(), { sms: createSmsSender });
    deps = sharedDeps;
  } else {
    deps = createDeps(configWith(options.env), { sms: createSmsSender }).then((d) => (options.now ? { ...d, now: options.now } : d));
  }
  const provider: DepsProvider = () => deps;
  return { deps: await deps, ...createHandlers(provider) };
}

export type Service = Awaited<ReturnType<typeof service>>;

/** The code the outbox holds for a request id. */
export function codeFromOutbox(requestId: string): string {
  const lines = readFileSync(String(process.env['SMS_OUTBOX_FILE']), 'utf8').trim().split('\n');
  const entry = lines.map((l) => JSON.parse(l) as { requestId: string; code: string }).find((m) => m.requestId === requestId);
  if (!entry) throw new Error(`no SMS for request ${requestId}`);
  return entry.code;
}

// Mints captcha tokens for tests that need many for one phone: no cooldown, no hourly caps.
let minter: Promise<Service> | undefined;
const MINTER_ENV = { SMS_RESEND_COOLDOWN_SECONDS: '0', SMS_MAX_PER_PHONE_PER_HOUR: '1000000', SMS_MAX_PER_IP_PER_HOUR: '1000000' };

/** Sends a code and validates it (through `via`, or a service without send limits): a client's captcha token. */
export async function captchaToken(phone: string, codeType: CodeType = '1', via?: Service): Promise<string> {
  const client = clientFor(via ?? (await (minter ??= service({ env: MINTER_ENV }))));
  const { requestId } = await client.sendCode({ phone, codeType });
  return (await client.validateCode({ requestId, code: codeFromOutbox(requestId), codeType })).token;
}

export const registration = (phone: string, captchaToken: string, extra: Record<string, unknown> = {}) => ({
  firstname: 'Ann',
  surname: 'Lee',
  phone,
  email: '',
  captchaToken,
  password: '01ASDAa1',
  ...extra,
});

/** Registers a new user with the reference password: its phone, id and first session. */
export async function registeredUser(svc: Service, password = '01ASDAa1') {
  const phone = randomPhone();
  const data = await clientFor(svc).register(registration(phone, await captchaToken(phone), { password }));
  return { phone, password, userId: data.userId, session: data.sessionInfo };
}
