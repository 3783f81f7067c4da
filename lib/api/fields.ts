// What the endpoint modules share: the request limits every endpoint holds, the field rules of
// docs/API.md §0 and §1 (one zod schema per kind of field), the answer parts several endpoints
// answer, and what each field means, by its name, for the API document.
// zod/mini: the same schemas as zod's chained API, a fifth of the bytes in every bundle (docs/adr/).
import * as z from 'zod/mini';
import type { ErrorKind } from '../errors';
import { PASSWORD_MAX_BYTES, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../password-policy';
import { canonicalPhone, PHONE_DIGITS } from '../phone';
import { CODE_DIGITS, REQUEST_ID_HEX_CHARS, TOKEN_HEX_CHARS } from '../secrets';
import type { DocumentedLimits } from './endpoint';

export { BODY_LIMIT, HEADER_SPELLING, MAX_BODY_BYTES, noHeaders, TRACE_ID } from './wire';

/** Any endpoint may refuse its input or be unable to answer. */
export const COMMON_ERRORS = ['parameter', 'serviceBusy', 'internal'] as const satisfies readonly ErrorKind[];
/**
 * Any endpoint that acts for the user of an access token (docs/API.md §6) may refuse the token, or
 * a request that names another user (lib/domain/authenticated.ts).
 */
export const AUTHENTICATED_ERRORS = ['invalidAccessToken', 'accessDenied'] as const satisfies readonly ErrorKind[];
/** Any endpoint that reads a body may also refuse its size or media type. */
export const BODY_ERRORS = ['bodyTooLarge', 'unsupportedMediaType'] as const satisfies readonly ErrorKind[];

// No control characters, and no lone surrogates (not valid Unicode, refused by DynamoDB).
const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}]*$/u;

// ---- Headers (names arrive lower-cased: middy's header normaliser) ----

export const agentHeaders = z.object({
  'x-hw-agentname': z.string({ error: 'is required' }).check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(64, 'must be at most 64 characters'),
    z.regex(/^[\x20-\x7e]+$/, 'must be printable characters'),
    z.refine((v) => v.trim().length > 0, 'must not be blank'),
  ),
});

// The access token is checked by the verifier; the schema only bounds it.
export const authorizationHeaders = z.object({
  authorization: z.string({ error: 'is required' }).check(z.minLength(1, 'is required'), z.maxLength(4096, 'is too long')),
});

/** What the API document says of each request header the schemas hold (lower-cased; spelled as HEADER_SPELLING has it). */
export const HEADER_NOTES: Readonly<Record<string, { description: string; example: string }>> = {
  'x-hw-agentname': {
    description: 'The calling carrier or agent app; a deployment may accept only the names it lists (`AGENT_NAMES`).',
    example: 'demo-app',
  },
  'x-challenge-token': {
    description:
      "The human check's token (Cloudflare Turnstile or Google reCAPTCHA), required when the deployment turns the check on (`SEND_CODE_CHALLENGE`). Verified with the provider before anything is spent.",
    example: '0.zAlJ4T5bZ4G8ko1Iv6HhTXu3cVv0cGoS',
  },
  language: {
    description:
      'The language of the SMS text, as a language tag (`en-US`, `ar-EG`); its primary subtag picks the text. Absent, or a language the texts are not written in: English.',
    example: 'ar-EG',
  },
};

// ---- Request fields ----

/** How a phone is refused: also what the API docs quote. */
export const PHONE_RULE = `must be ${PHONE_DIGITS.min}-${PHONE_DIGITS.max} digits after a 00 or + prefix, the first not 0`;

export const phone = z.pipe(
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

// Format characters (bidi overrides, zero-width characters) make a name display as something else.
const NO_FORMAT_CHARS = /^\P{Cf}*$/u;

/** A person's name: trimmed, stored NFC-normalised so one name has one spelling (docs/API.md §1). */
export const text = (min: number, max: number) =>
  z
    .string({ error: 'must be a string' })
    .check(
      z.trim(),
      z.normalize('NFC'),
      z.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
      z.maxLength(max, `must be at most ${max} characters`),
      z.regex(NO_CONTROL_CHARS, 'must not contain control characters'),
      z.regex(NO_FORMAT_CHARS, 'must not contain format characters (bidi controls, zero-width characters)'),
    );

export const bounded = (min: number, max: number) =>
  z.string({ error: 'must be a string' }).check(z.minLength(min, 'is required'), z.maxLength(max, 'is too long'));
// The policy (13001004) is checked by the domain; this only bounds the work. NFKC first (NIST SP
// 800-63B §5.1.1.2): the same password typed as NFC or NFD, or on another keyboard, is the same
// password for the policy, the hash and every later compare.
export const password = bounded(1, 1024).check(z.normalize('NFKC'));
export const secret = bounded(1, 256);
export const codeType = z.enum(['1', '2', '3', '4'], { error: 'must be "1", "2", "3" or "4"' });

export const email = z.pipe(
  z.string({ error: 'must be a string' }).check(z.trim(), z.maxLength(254, 'must be at most 254 characters')),
  z.pipe(
    z.union([z.literal(''), z.email({ error: 'must be a valid email address' })]),
    z.transform((v: string) => v.toLowerCase()),
  ),
);

/** A code request id (docs/API.md §2.1): answered by send, taken back by validate. */
export const requestIdField = z
  .string({ error: 'must be a string' })
  .check(z.regex(new RegExp(`^[0-9a-f]{${REQUEST_ID_HEX_CHARS}}$`), `must be a request id (${REQUEST_ID_HEX_CHARS} lowercase hex digits)`));

/** A user id as a request names it (the answers' ids are 19 digits; a request may name any). */
export const userIdField = z.string({ error: 'must be a string' }).check(z.regex(/^[0-9]{1,20}$/, 'must be a user id'));

// ---- What the endpoints answer (the envelope's `data`) ----

export const digits = (count: string, what: string) => z.string().check(z.regex(new RegExp(`^[0-9]{${count}}$`), `must be ${what}`));
export const userId = digits('19', 'a 19-digit user id');
export const isoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'must be an ISO-8601 UTC time'));

export const sessionInfo = z.object({
  accessToken: z.string().check(z.regex(/^AT [\w-]+\.[\w-]+\.[\w-]+$/, 'must be "AT <jws>"')),
  expiresIn: z.int().check(z.positive()),
  issuedAt: digits('13', 'epoch milliseconds'),
  refreshToken: z.string().check(z.regex(new RegExp(`^[0-9a-f]{${TOKEN_HEX_CHARS}}$`), `must be ${TOKEN_HEX_CHARS} hex digits`)),
});

/** A user as answers show it: login's `userInfo` and the profile read's data (docs/API.md §3.1, §6.3). */
export const userInfo = z.object({ userId, firstname: z.string(), surname: z.string(), phone: z.string(), email: z.string() });

/** `data` of a wrong-code answer (docs/API.md §2.2): `failCount` only when the request exists. */
export const wrongCodeData = z.object({ verified: z.literal(false), failCount: z.optional(digits('1,3', 'a count')) });

/** The data some errors carry. */
export const ERROR_DATA: Partial<Record<ErrorKind, z.ZodMiniType>> = { wrongCode: wrongCodeData };

export type CodeType = z.output<typeof codeType>;
export type SessionInfo = z.output<typeof sessionInfo>;
export type UserInfo = z.output<typeof userInfo>;
export type WrongCodeData = z.output<typeof wrongCodeData>;

// ---- What each field means, wherever it appears (requests and answers alike) ----

const PHONE_FORMAT = `\`00\` or \`+\`, then ${PHONE_DIGITS.min}–${PHONE_DIGITS.max} digits; spaces, dashes and parentheses are ignored`;

/** `3, 'attempt'` → "3 attempts", `1, 'attempt'` → "1 attempt". */
export const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `300` → "5 minutes": in the largest unit that divides the duration. */
export function duration(seconds: number): string {
  if (seconds % 3600 === 0) return counted(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return counted(seconds / 60, 'minute');
  return counted(seconds, 'second');
}

/**
 * Notes on the fields several endpoints share. An endpoint module adds notes for fields only it
 * has; the document builder fails on a note that no schema uses, so none outlives its field.
 */
export const sharedFieldNotes = (limits: DocumentedLimits): Readonly<Record<string, string>> => ({
  phone: `International number: ${PHONE_FORMAT}. Answers show the canonical \`00…\` form.`,
  codeType: '"1" registration, "2" login, "3" password reset, "4" phone change.',
  firstname: 'Trimmed; no control or format characters; stored NFC-normalised.',
  surname: 'Trimmed; no control or format characters; stored NFC-normalised.',
  email: 'Empty, or an email address (stored lower-cased).',
  password: `${PASSWORD_MIN_CHARS}–${PASSWORD_MAX_CHARS} characters and at most ${PASSWORD_MAX_BYTES} UTF-8 bytes; not a common password; must not contain the phone's digits. NFKC-normalised before the policy and the hash, so NFC and NFD spellings are the same password. The policy is checked by the service (13001004).`,
  captchaToken: `The \`token\` answered by validate: single-use, valid ${duration(limits.captchaTokenTtlSeconds)}, for this phone and scenario (\`codeType\` "1" to register, "2" to log in, "3" to reset a password, "4" to change the phone).`,
  requestId: `The code request: answered by send, given to validate. ${REQUEST_ID_HEX_CHARS} lowercase hex digits, 128 random bits: opaque and unguessable.`,
  code: `The ${CODE_DIGITS}-digit code of the SMS.`,
  expireAt: 'When the code (send) or the captcha token (validate) expires, ISO-8601 UTC.',
  verified: 'Whether the code was right.',
  failCount: 'Wrong attempts so far on this code request.',
  userId: "The user's id: 19 decimal digits, roughly time-ordered.",
  accessToken:
    '`AT <JWS>`: an ES256 JWT (`iss`, `aud`, `sub` = userId, `iat`, `exp`, `jti`, session id; `kid` in its header). Accepted as `AT <JWS>`, `Bearer <JWS>` or the bare JWS.',
  expiresIn: 'Access-token lifetime in seconds.',
  issuedAt: 'Issue time in epoch milliseconds, as a string.',
  refreshToken: `${TOKEN_HEX_CHARS} lowercase hex digits. Each refresh answers a new one and retires the old one.`,
});
