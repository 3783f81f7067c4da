// createClient: one method per endpoint of the API (docs/API.md §1-§3, §6) over any WHATWG fetch. A method
// resolves with the envelope's `data` and throws KooDriveError for an error answer, or
// KooDriveTransportError when no usable answer came back.
import { KooDriveError, KooDriveTransportError } from './errors';
import { routes, type RouteName } from './routes';
import type {
  CallOptions,
  FetchLike,
  JwksData,
  LoginData,
  LoginRequest,
  LogoutRequest,
  PasswordModifyRequest,
  PasswordResetRequest,
  PhoneModifyData,
  PhoneModifyRequest,
  RefreshData,
  RefreshRequest,
  RegisterData,
  RegisterRequest,
  SendCodeData,
  SendCodeRequest,
  UpdateUserInfoRequest,
  UserDeleteRequest,
  UserInfoData,
  UserInfoRequest,
  ValidateCodeData,
  ValidateCodeRequest,
} from './types';

export interface ClientOptions {
  /** Where the API is, e.g. `https://api.example.com` or a stage URL; the route paths are appended. */
  baseUrl: string;
  /** The calling app's name, sent as `x-hw-agentName` (docs/API.md §0: 1-64 printable characters). */
  agentName: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** `X-Traceid` of every request, or a function giving one per request; absent: the service makes one. */
  traceId?: string | (() => string);
}

// A method per endpoint: the Record makes createClient fail `npm run typecheck` until an endpoint
// added to lib/api/ has its method here.
export interface KooDriveClient extends Record<RouteName, (...args: never[]) => Promise<unknown>> {
  /** docs/API.md §2.1: texts a 6-digit code to `phone` (a phone-change code needs `accessToken`). */
  sendCode(request: SendCodeRequest, options?: CallOptions): Promise<SendCodeData>;
  /** docs/API.md §2.2: trades the code for a single-use captcha token (wrong code: KooDriveError with `failCount`). */
  validateCode(request: ValidateCodeRequest, options?: CallOptions): Promise<ValidateCodeData>;
  /** docs/API.md §1: creates the user and its first session. Safe to retry with the identical request. */
  register(request: RegisterRequest, options?: CallOptions): Promise<RegisterData>;
  /** docs/API.md §3.1: with a password (`authType: '1'`) or a login-code captcha token (`authType: '2'`). */
  login(request: LoginRequest, options?: CallOptions): Promise<LoginData>;
  /** docs/API.md §3.2: a new session info; the refresh token rotates, so use the new one from now on. */
  refreshToken(request: RefreshRequest, options?: CallOptions): Promise<RefreshData>;
  /** docs/API.md §3.3: ends the session of `accessToken`. */
  logout(request: LogoutRequest, options?: CallOptions): Promise<void>;
  /** docs/API.md §6.3: the caller's profile. Naming another user by `userId` or `phone` is `accessDenied`. */
  userInfo(request: UserInfoRequest, options?: CallOptions): Promise<UserInfoData>;
  /** docs/API.md §6.4: sets the caller's `firstname`, `surname` or `email` (at least one); the phone is not changed here. */
  updateUserInfo(request: UpdateUserInfoRequest, options?: CallOptions): Promise<void>;
  /** docs/API.md §6.2: sets a new password with a password-reset captcha token; every session of the account ends. */
  passwordReset(request: PasswordResetRequest, options?: CallOptions): Promise<void>;
  /** docs/API.md §6.6: deletes the account of `accessToken`, named by `userId`; every session of it ends. */
  userDelete(request: UserDeleteRequest, options?: CallOptions): Promise<void>;
  /** docs/API.md §3.4: the public keys that verify access tokens. */
  jwks(options?: CallOptions): Promise<JwksData>;
  /** docs/API.md §6.1: changes the password; every other session of the user ends, this one stays. */
  passwordModify(request: PasswordModifyRequest, options?: CallOptions): Promise<void>;
  /** docs/API.md §6.5: moves the account to `newPhone`; every other session of the user ends, this one stays. */
  phoneModify(request: PhoneModifyRequest, options?: CallOptions): Promise<PhoneModifyData>;
}

interface Envelope {
  code: number;
  msg: string;
  data?: unknown;
}

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Envelope).code === 'number' &&
  typeof (value as Envelope).msg === 'string';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` in seconds; the service sends seconds, an HTTP date is allowed too (RFC 9110). */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** `?a=1&b=2` of the defined parameters, or nothing. */
function queryString(query: Call['query']): string {
  const defined = Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined).toString()}`;
}

interface Call {
  body?: unknown;
  /** Query parameters; the undefined ones are left out. */
  query?: Readonly<Record<string, string | undefined>>;
  authorization?: string | undefined;
  /** Other request headers, by their spelling in docs/API.md. */
  headers?: Record<string, string>;
  /** The answer is the data itself, not an envelope (the JWK Set, readable by any JOSE library). */
  bare?: boolean;
}

export function createClient(options: ClientOptions): KooDriveClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  // Called through a function: a browser's fetch refuses to run with another `this`.
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));

  async function call<T>(endpoint: RouteName, request: Call, callOptions: CallOptions = {}): Promise<T> {
    const route = routes[endpoint];
    const sentTraceId = callOptions.traceId ?? (typeof options.traceId === 'function' ? options.traceId() : options.traceId);
    // The agent header is required on the unauthenticated endpoints and ignored by the others.
    const headers: Record<string, string> = { Accept: 'application/json', 'x-hw-agentName': options.agentName };
    if (sentTraceId !== undefined) headers['X-Traceid'] = sentTraceId;
    if (request.authorization !== undefined) headers['Authorization'] = request.authorization;
    Object.assign(headers, request.headers);
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }

    let status: number;
    let text: string;
    let traceId = sentTraceId;
    let retryAfter: number | undefined;
    try {
      const url = base + route.path + queryString(request.query);
      const response = await fetchImpl(url, { method: route.method, headers, body, signal: callOptions.signal });
      status = response.status;
      traceId = response.headers.get('x-traceid') ?? sentTraceId;
      retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
      text = await response.text();
    } catch (cause) {
      if (callOptions.signal?.aborted) throw cause;
      throw new KooDriveTransportError({ endpoint, reason: 'network', traceId, cause });
    }

    const answer = parseJson(text);
    if (isEnvelope(answer) && answer.code !== 0) {
      const data = isRecord(answer.data) ? answer.data : undefined;
      throw new KooDriveError({ endpoint, status, code: answer.code, msg: answer.msg, data, retryAfter, traceId });
    }
    if (status >= 200 && status < 300) {
      if (request.bare && isRecord(answer)) return answer as T;
      if (!request.bare && isEnvelope(answer)) return answer.data as T;
    }
    throw new KooDriveTransportError({ endpoint, reason: 'invalid-response', status, traceId });
  }

  return {
    sendCode: ({ accessToken, challengeToken, language, ...body }, callOptions) => {
      const headers: Record<string, string> = {};
      if (challengeToken !== undefined) headers['X-Challenge-Token'] = challengeToken;
      if (language !== undefined) headers['language'] = language;
      return call('sendCode', { body, authorization: accessToken, headers }, callOptions);
    },
    validateCode: (request, callOptions) => call('validateCode', { body: request }, callOptions),
    register: (request, callOptions) => call('register', { body: request }, callOptions),
    login: (request, callOptions) => call('login', { body: request }, callOptions),
    // Only the token goes in the body, so that a whole `sessionInfo` can be passed.
    refreshToken: ({ accessToken, refreshToken }, callOptions) =>
      call('refreshToken', { body: { refreshToken }, authorization: accessToken }, callOptions),
    logout: async (request, callOptions) => {
      await call('logout', { body: request, authorization: request.accessToken }, callOptions);
    },
    userInfo: ({ accessToken, ...query }, callOptions) => call('userInfo', { query, authorization: accessToken }, callOptions),
    updateUserInfo: async ({ accessToken, ...body }, callOptions) => {
      await call('updateUserInfo', { body, authorization: accessToken }, callOptions);
    },
    passwordReset: async (request, callOptions) => {
      await call('passwordReset', { body: request }, callOptions);
    },
    userDelete: async ({ accessToken, ...query }, callOptions) => {
      await call('userDelete', { query, authorization: accessToken }, callOptions);
    },
    jwks: (callOptions) => call('jwks', { bare: true }, callOptions),
    // The access token goes in the header only.
    passwordModify: async ({ accessToken, ...body }, callOptions) => {
      await call('passwordModify', { body, authorization: accessToken }, callOptions);
    },
    phoneModify: ({ accessToken, ...body }, callOptions) => call('phoneModify', { body, authorization: accessToken }, callOptions),
  };
}
