// The test suites' view of the fixture kit (tests/kit/): the real handlers (full middy chain)
// against DynamoDB Local, driven the way API Gateway would, with the leak watch on: every secret a
// successful request used or got is recorded for the scan at the end of the run.
import type { ClientOptions, KooDriveClient } from '../client';
import type { CodeType, SessionInfo } from '../lib/api/fields';
import { recordSecrets } from './harness/leak-watch';
import * as kit from './kit/codes';
import { NO_SEND_LIMITS } from './kit/env';
import { inProcessFetch } from './kit/in-process-fetch';
import { call as invoke, type Answer, type EventOptions } from './kit/invoke';
import { inProcessClient, onDeps, serviceDeps, type ServiceDeps } from './kit/service';
import * as users from './kit/users';

export type { SessionInfo };

export { httpEvent, lambdaContext, type Answer, type EventOptions } from './kit/invoke';
export { codeFromOutbox, smsTo } from './kit/codes';
export { configWith } from './kit/env';
export { randomPhone } from './kit/phones';
export { registration } from './kit/users';

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
  return inProcessClient(svc, { fetch: leakWatched(inProcessFetch(svc)), ...options });
}

let sharedDeps: Promise<ServiceDeps> | undefined;

/** The handlers on dependencies built from the environment, optionally with other settings or clock. */
export async function service(options: { env?: Record<string, string>; now?: () => number } = {}) {
  const built = options.env || options.now ? await serviceDeps(options) : await (sharedDeps ??= serviceDeps());
  return { deps: built.deps, ...onDeps(built).handlers };
}

export type Service = Awaited<ReturnType<typeof service>>;

// Mints captcha tokens for tests that need many for one phone: no cooldown, no hourly caps.
let minter: Promise<Service> | undefined;
const minting = async (via?: Service): Promise<kit.Minter> => ({
  client: clientFor(via ?? (await (minter ??= service({ env: NO_SEND_LIMITS })))),
  codeOf: kit.codeFromOutbox,
});

/** Sends a code and validates it (through `via`, or a service without send limits): a client's captcha token. */
export async function captchaToken(phone: string, codeType: CodeType = '1', via?: Service): Promise<string> {
  return kit.captchaToken(await minting(via), phone, codeType);
}

/**
 * A captcha token for a flow no SMS goes to (a login code for a phone without an account): its
 * code stored directly (tests/kit/codes.ts storedCode), validated through the service.
 */
export async function unsentCaptchaToken(phone: string, codeType: CodeType): Promise<string> {
  const via = await (minter ??= service({ env: NO_SEND_LIMITS }));
  const { requestId, code } = await kit.storedCode(via.deps, phone, codeType);
  return (await clientFor(via).validateCode({ requestId, code, codeType })).token;
}

/** Registers a new user with the reference password: its phone, id and first session. */
export async function registeredUser(svc: Service, password = users.PASSWORD) {
  return users.registeredUser(await minting(), password, clientFor(svc));
}
