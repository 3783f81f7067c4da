// One declared schema per endpoint: the request validator at the edge, the type each handler must
// answer with, the error kinds it may answer, and the source of the OpenAPI document.
// zod/mini: the same schemas as zod's chained API, a fifth of the bytes in every bundle.
import * as z from 'zod/mini';
import type { ErrorKind } from './errors';
import { canonicalPhone, PHONE_DIGITS } from './phone';
import { CODE_DIGITS, TOKEN_HEX_CHARS } from './secrets';

export const MAX_BODY_BYTES = 16 * 1024;
export const TRACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Request headers as the SPEC spells them; the schemas hold them lower-cased, as middy hands them over. */
export const HEADER_SPELLING: Readonly<Record<string, string>> = { 'x-hw-agentname': 'x-hw-agentName', authorization: 'Authorization' };

export interface EndpointSchema {
  headers: z.ZodMiniType<Record<string, unknown>>;
  body?: z.ZodMiniType;
  /** The success envelope's `data` (or the whole body of a `bare` endpoint); absent: no data. */
  data?: z.ZodMiniType;
  /** The SPEC §5 errors this endpoint answers beside the ones every endpoint may (COMMON_ERRORS). */
  errors: readonly ErrorKind[];
}

/** Any endpoint may refuse its input or be unable to answer. */
export const COMMON_ERRORS = ['parameter', 'serviceBusy', 'internal'] as const satisfies readonly ErrorKind[];
/** Any endpoint that reads a body may also refuse its size or media type. */
export const BODY_ERRORS = ['bodyTooLarge', 'unsupportedMediaType'] as const satisfies readonly ErrorKind[];

// No control characters, and no lone surrogates (not valid Unicode, refused by DynamoDB).
const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}]*$/u;

/** Header names arrive lower-cased (middy's header normaliser). */
const agentHeaders = z.object({
  'x-hw-agentname': z.string({ error: 'is required' }).check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(64, 'must be at most 64 characters'),
    z.regex(/^[\x20-\x7e]+$/, 'must be printable characters'),
    z.refine((v) => v.trim().length > 0, 'must not be blank'),
  ),
});

/** How a phone is refused: also what the API docs quote. */
export const PHONE_RULE = `must be ${PHONE_DIGITS.min}-${PHONE_DIGITS.max} digits after a 00 or + prefix`;

const phone = z.pipe(
  z.string({ error: 'must be a string' }).check(z.maxLength(32, 'is not a phone number')),
  z.transform((value: string, ctx) => {
    const canonical = canonicalPhone(value);
    if (!canonical) {
      ctx.issues.push({ code: 'custom', message: PHONE_RULE, input: value });
      return z.NEVER;
    }
    return canonical;
  }),
);

const text = (min: number, max: number) =>
  z
    .string({ error: 'must be a string' })
    .check(
      z.trim(),
      z.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
      z.maxLength(max, `must be at most ${max} characters`),
      z.regex(NO_CONTROL_CHARS, 'must not contain control characters'),
    );

const bounded = (min: number, max: number) =>
  z.string({ error: 'must be a string' }).check(z.minLength(min, 'is required'), z.maxLength(max, 'is too long'));
// The policy (SPEC §1, 13001004) is checked by the domain; this only bounds the work.
const password = bounded(1, 1024);
const secret = bounded(1, 256);
const codeType = z.enum(['1', '2', '3', '4'], { error: 'must be "1", "2", "3" or "4"' });

const email = z.pipe(
  z.string({ error: 'must be a string' }).check(z.trim(), z.maxLength(254, 'must be at most 254 characters')),
  z.pipe(
    z.union([z.literal(''), z.email({ error: 'must be a valid email address' })]),
    z.transform((v: string) => v.toLowerCase()),
  ),
);

// ---- What the endpoints answer (the envelope's `data`) ----

const digits = (count: string, what: string) => z.string().check(z.regex(new RegExp(`^[0-9]{${count}}$`), `must be ${what}`));
const userId = digits('19', 'a 19-digit user id');
const isoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'must be an ISO-8601 UTC time'));

export const sessionInfo = z.object({
  accessToken: z.string().check(z.regex(/^AT [\w-]+\.[\w-]+\.[\w-]+$/, 'must be "AT <jws>"')),
  expiresIn: z.int().check(z.positive()),
  issuedAt: digits('13', 'epoch milliseconds'),
  refreshToken: z.string().check(z.regex(new RegExp(`^[0-9a-f]{${TOKEN_HEX_CHARS}}$`), `must be ${TOKEN_HEX_CHARS} hex digits`)),
});

/** `data` of a wrong-code answer (SPEC §2.2): `failCount` only when the request exists. */
export const wrongCodeData = z.object({ verified: z.literal(false), failCount: z.optional(digits('1,3', 'a count')) });

const publicJwk = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.optional(z.string()),
  use: z.optional(z.string()),
  crv: z.optional(z.string()),
  x: z.optional(z.string()),
  y: z.optional(z.string()),
});

export const registerSchema = {
  headers: agentHeaders,
  body: z.object({
    firstname: text(1, 64),
    surname: z.optional(text(0, 64)),
    phone,
    email: z.optional(email),
    captchaToken: secret,
    password,
  }),
  data: z.object({ userId, phone: z.string(), sessionInfo }),
  errors: ['phoneTaken', 'tokenInvalid', 'tokenExpired', 'weakPassword', 'tooManyAttempts'],
} satisfies EndpointSchema;

export const sendCodeSchema = {
  headers: agentHeaders,
  body: z.object({ phone, codeType }),
  data: z.object({ requestId: digits('19', 'a 19-digit request id'), expireAt: isoTime, resendAfter: z.int().check(z.nonnegative()) }),
  errors: ['tooManyAttempts'],
} satisfies EndpointSchema;

export const validateCodeSchema = {
  headers: agentHeaders,
  body: z.object({
    requestId: z.string({ error: 'must be a string' }).check(z.regex(/^[0-9]{1,20}$/, 'must be a request id')),
    code: z.string({ error: 'must be a string' }).check(z.regex(new RegExp(`^[0-9]{${CODE_DIGITS}}$`), `must be ${CODE_DIGITS} digits`)),
    codeType,
  }),
  data: z.object({ verified: z.literal(true), token: z.string(), expireAt: isoTime }),
  errors: ['wrongCode', 'tooManyAttempts', 'tokenExpired'],
} satisfies EndpointSchema;

export const loginSchema = {
  headers: agentHeaders,
  body: z.discriminatedUnion(
    'authType',
    [
      z.object({ account: phone, authType: z.literal('1'), password }),
      z.object({ account: phone, authType: z.literal('2'), captchaToken: secret }),
    ],
    { error: 'authType must be "1" (password) or "2" (captcha token)' },
  ),
  data: z.object({
    userInfo: z.object({ userId, firstname: z.string(), surname: z.string(), phone: z.string(), email: z.string() }),
    sessionInfo,
  }),
  errors: ['badCredentials', 'tokenInvalid', 'tokenExpired', 'tooManyAttempts'],
} satisfies EndpointSchema;

// The access token is checked by the verifier; the schema only bounds it.
const authorizationHeaders = z.object({
  authorization: z.string({ error: 'is required' }).check(z.minLength(1, 'is required'), z.maxLength(4096, 'is too long')),
});

export const refreshSchema = {
  headers: authorizationHeaders,
  body: z.object({ refreshToken: secret }),
  data: z.object({ sessionInfo }),
  errors: ['invalidAccessToken', 'invalidRefreshToken'],
} satisfies EndpointSchema;

export const logoutSchema = {
  headers: authorizationHeaders,
  body: z.object({
    userId: z.string({ error: 'must be a string' }).check(z.regex(/^[0-9]{1,20}$/, 'must be a user id')),
    accessToken: bounded(1, 4096),
  }),
  errors: ['invalidAccessToken'],
} satisfies EndpointSchema;

export const jwksSchema = {
  headers: z.object({}),
  data: z.object({ keys: z.array(publicJwk) }),
  errors: [],
} satisfies EndpointSchema;

export type CodeType = z.output<typeof codeType>;
export type LoginInput = z.output<typeof loginSchema.body>;
export type RegisterInput = z.output<typeof registerSchema.body>;
export type SendCodeInput = z.output<typeof sendCodeSchema.body>;
export type ValidateCodeInput = z.output<typeof validateCodeSchema.body>;

/** What an endpoint's handler answers with: the type of its documented `data`, or nothing. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- it is a return type: `handle` returns Promise<EndpointData<S>>
export type EndpointData<S extends EndpointSchema> = S['data'] extends z.ZodMiniType ? z.input<S['data']> : void;
export type SessionInfo = z.output<typeof sessionInfo>;
export type RegisterData = EndpointData<typeof registerSchema>;
export type SendCodeData = EndpointData<typeof sendCodeSchema>;
export type ValidateCodeData = EndpointData<typeof validateCodeSchema>;
export type LoginData = EndpointData<typeof loginSchema>;
export type RefreshData = EndpointData<typeof refreshSchema>;
export type WrongCodeData = z.output<typeof wrongCodeData>;
