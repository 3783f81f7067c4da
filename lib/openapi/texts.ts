// The prose of the API document, condensed from SPEC.md. Facts the code holds (routes, schemas,
// codes, messages, limits) are not written here: the document builder reads them from the code,
// and the prose that states a limit reads it from its source.
import type { Config } from '../config';
import type { RouteName } from '../endpoints';
import type { ErrorKind } from '../errors';
import { PASSWORD_MAX_BYTES, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../password-policy';
import { PHONE_DIGITS } from '../phone';
import { MAX_BODY_BYTES } from '../schemas';
import { CODE_DIGITS, TOKEN_HEX_CHARS } from '../secrets';

const PHONE_FORMAT = `\`00\` or \`+\`, then ${PHONE_DIGITS.min}–${PHONE_DIGITS.max} digits; spaces, dashes and parentheses are ignored`;

/**
 * The settings a deployer may change (lib/tunables.cjs) that the prose states. The document says
 * what the service that serves it does: the docs function passes its own running configuration,
 * not the defaults, which a deployment may have overridden.
 */
export type DocumentedLimits = Pick<Config['limits'], 'codeTtlSeconds' | 'codeMaxAttempts' | 'captchaTokenTtlSeconds'>;

/** `3, 'attempt'` → "3 attempts", `1, 'attempt'` → "1 attempt". */
const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `300` → "5 minutes": in the largest unit that divides the duration. */
export function duration(seconds: number): string {
  if (seconds % 3600 === 0) return counted(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return counted(seconds / 60, 'minute');
  return counted(seconds, 'second');
}

export const BODY_LIMIT = `${MAX_BODY_BYTES / 1024} KiB`;

export const TITLE = 'KooDrive sign-up API';

export const OVERVIEW = `A KooDrive-compatible phone sign-up service. A client proves it owns a phone with an SMS code
(send, then validate: a single-use captcha token), registers with the token, then logs in, refreshes
and logs out with KooDrive access and refresh tokens. Access tokens are ES256 JWTs that other
services verify offline against the JWKS.

- JSON in, JSON out. Every answer is the envelope \`{"code", "msg", "data"}\`: HTTP 200 with code 0 and
  msg "Success.", or a 4xx/5xx status with a non-zero code. \`data\` is there only when there is data.
- Header names are case-insensitive. \`X-Traceid\` is optional: it is echoed in the answer, and one is
  generated when it is absent.
- Phones: ${PHONE_FORMAT}. Answers show the canonical \`00…\` form.
- The service's tests send every request example of this document and check the answer against its
  example of the same name. \`x-replay\` says which values they take from a fresh flow (\`x-live-values\`).`;

/** SPEC §5 "when" column: when each error is answered. */
export const ERROR_WHEN: Readonly<Record<ErrorKind, string>> = {
  parameter: 'A header or field is missing or invalid, the JSON is malformed, or a value has the wrong type. `msg` names the field.',
  bodyTooLarge: `The body is larger than ${BODY_LIMIT}.`,
  unsupportedMediaType: 'The body is not JSON (`Content-Type` is not `application/json`).',
  phoneTaken: 'Another user holds this phone number.',
  tokenInvalid: 'The captcha token is unknown, used, or was issued for another phone or scenario.',
  tokenExpired: 'The captcha token, or the SMS code, has expired.',
  weakPassword: 'The password breaks the policy. `msg` says which rule.',
  wrongCode: 'The code is wrong. `data.failCount` counts the wrong attempts on this request.',
  tooManyAttempts:
    'Too many attempts or codes: a resend too soon, a send cap per phone or IP, a code whose attempts are used up, or too many wrong passwords. `Retry-After` says when to retry, where waiting helps.',
  badCredentials: 'Unknown phone or wrong password: the same answer, in the same time.',
  invalidRefreshToken: 'The refresh token is unknown, expired, rotated or revoked.',
  invalidAccessToken: "The access token is malformed, not signed by this service, not this user's, or its session has ended.",
  serviceBusy: 'Storage is throttled or unreachable. Safe to retry after `Retry-After`.',
  internal: 'Anything unexpected.',
};

export interface OperationText {
  tag: string;
  summary: string;
  description: string;
}

/** What the SPEC says each operation does, in the order of a client's journey (the tags follow it). */
export const operationTexts = (limits: DocumentedLimits): Readonly<Record<RouteName, OperationText>> => ({
  sendCode: {
    tag: 'Verification',
    summary: 'Send a verification code',
    description: `Sends a ${CODE_DIGITS}-digit code by SMS, valid ${duration(limits.codeTtlSeconds)} and stored only as a hash. Limited by a resend cooldown per phone and by caps per phone and per source IP per hour (429).`,
  },
  validateCode: {
    tag: 'Verification',
    summary: 'Validate a code',
    description: `Exchanges the code for a captcha token, bound to the phone and \`codeType\` of the request, single-use and valid ${duration(limits.captchaTokenTtlSeconds)}. A wrong code answers 400 with \`failCount\`; after ${counted(limits.codeMaxAttempts, 'wrong attempt')} the request is dead (429) and a new code must be sent.`,
  },
  register: {
    tag: 'Registration',
    summary: 'Register a new user',
    description:
      'Registers the phone with a captcha token of `codeType` "1" for it, and opens a session. All or nothing: the phone is claimed, the token spent, the user stored and the session opened together. The identical request retried with the same token, within its lifetime, answers the same `userId` with a fresh session.',
  },
  login: {
    tag: 'Sessions',
    summary: 'Log in',
    description:
      'With the password (`authType` "1") or with a captcha token of `codeType` "2" (`authType` "2"). A wrong phone and a wrong password give the same answer.',
  },
  refreshToken: {
    tag: 'Sessions',
    summary: 'Refresh the session',
    description:
      'Takes the access token in `Authorization` (an expired but genuine one of the same user is accepted) and the refresh token. Answers a new session: the old refresh token stops working, and presenting it again later ends the whole session (reuse detection).',
  },
  logout: {
    tag: 'Sessions',
    summary: 'Log out',
    description: 'Ends the session: its refresh token stops working and its access tokens are refused until they expire.',
  },
  jwks: {
    tag: 'Keys',
    summary: 'Public keys (JWKS)',
    description: 'The public keys that verify access tokens offline, as a plain JWK Set for any JOSE library. Cacheable.',
  },
});

/**
 * What a property means, by its name wherever it appears (requests and answers alike). The
 * builder fails on a note that no schema uses, so none outlives its field.
 */
export const fieldNotes = (limits: DocumentedLimits): Readonly<Record<string, string>> => ({
  phone: `International number: ${PHONE_FORMAT}. Answers show the canonical \`00…\` form.`,
  account: "The user's phone number, written as `phone` is.",
  codeType: '"1" registration, "2" login, "3" password reset, "4" phone change.',
  firstname: 'Trimmed; no control characters.',
  surname: 'Trimmed; no control characters.',
  email: 'Empty, or an email address (stored lower-cased).',
  password: `${PASSWORD_MIN_CHARS}–${PASSWORD_MAX_CHARS} characters and at most ${PASSWORD_MAX_BYTES} UTF-8 bytes; not a common password; must not contain the phone's digits. The policy is checked by the service (13001004).`,
  captchaToken: `The \`token\` answered by validate: single-use, valid ${duration(limits.captchaTokenTtlSeconds)}, for this phone and scenario (\`codeType\` "1" to register, "2" to log in).`,
  authType: '"1" password, "2" captcha token.',
  requestId: 'The code request: answered by send, given to validate.',
  code: `The ${CODE_DIGITS}-digit code of the SMS.`,
  expireAt: 'When the code (send) or the captcha token (validate) expires, ISO-8601 UTC.',
  resendAfter: 'Seconds before another code may be sent to this phone.',
  verified: 'Whether the code was right.',
  token: `The captcha token: single-use, valid ${duration(limits.captchaTokenTtlSeconds)}, bound to the phone and \`codeType\` of the request.`,
  failCount: 'Wrong attempts so far on this code request.',
  userId: "The user's id: 19 decimal digits, roughly time-ordered.",
  accessToken:
    '`AT <JWS>`: an ES256 JWT (`iss`, `aud`, `sub` = userId, `iat`, `exp`, `jti`, session id; `kid` in its header). Accepted as `AT <JWS>`, `Bearer <JWS>` or the bare JWS.',
  expiresIn: 'Access-token lifetime in seconds.',
  issuedAt: 'Issue time in epoch milliseconds, as a string.',
  refreshToken: `${TOKEN_HEX_CHARS} lowercase hex digits. Each refresh answers a new one and retires the old one.`,
  keys: 'The public keys (JWK), by `kid`.',
});
