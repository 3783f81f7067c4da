// The error catalogue of docs/API.md §5: the single source of every status, code and message a client sees.
export const ERRORS = {
  parameter: { status: 400, code: 13000102, msg: 'Verify parameters failed.' },
  bodyTooLarge: { status: 413, code: 13000103, msg: 'Request body too large.' },
  unsupportedMediaType: { status: 415, code: 13000104, msg: 'Unsupported media type.' },
  phoneTaken: { status: 409, code: 13001001, msg: 'The phone number is already registered.' },
  tokenInvalid: { status: 400, code: 13001002, msg: 'Invalid verification token.' },
  tokenExpired: { status: 400, code: 13001003, msg: 'Verification token expired.' },
  weakPassword: { status: 400, code: 13001004, msg: 'Password does not meet the policy.' },
  wrongCode: { status: 400, code: 13001005, msg: 'Incorrect verification code.' },
  tooManyAttempts: { status: 429, code: 13001006, msg: 'Too many attempts. Try again later.' },
  badCredentials: { status: 401, code: 13001008, msg: 'Incorrect account or password.' },
  invalidRefreshToken: { status: 401, code: 13001009, msg: 'Invalid refresh token.' },
  invalidAccessToken: { status: 401, code: 13001010, msg: 'Invalid access token.' },
  accessDenied: { status: 403, code: 13001011, msg: 'Access denied.' },
  destinationNotAllowed: { status: 403, code: 13001013, msg: 'SMS to this destination is not supported.' },
  humanCheckFailed: { status: 400, code: 13001014, msg: 'Human verification failed.' },
  serviceBusy: { status: 503, code: 13000500, msg: 'Service busy. Try again later.' },
  internal: { status: 500, code: 13000501, msg: 'Internal error.' },
} as const;

export type ErrorKind = keyof typeof ERRORS;

export interface ApiErrorOptions {
  /** Replaces the catalogue message, e.g. to name the bad field. Must never carry internals. */
  detail?: string;
  data?: Record<string, unknown>;
  /** Seconds a client should wait; sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

/** An error meant for the client: the only kind whose message leaves the service. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: number;
  readonly data: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    options: ApiErrorOptions = {},
  ) {
    super(options.detail ?? ERRORS[kind].msg);
    this.status = ERRORS[kind].status;
    this.code = ERRORS[kind].code;
    this.data = options.data;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A parameter error whose message names the field, as docs/API.md §5 allows. */
export const parameterError = (field: string, problem: string): ApiError =>
  new ApiError('parameter', { detail: `${ERRORS.parameter.msg} ${field}: ${problem}` });
