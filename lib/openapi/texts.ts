// The prose of the API document that belongs to no one endpoint (docs/API.md §0 and §5, condensed);
// each endpoint's own text is in its module (lib/api/). Facts the code holds (routes, schemas,
// codes, messages, limits) are not written here: the document builder reads them from the code.
import type { ErrorKind } from '../errors';
import { BODY_LIMIT } from '../api/fields';
import { PHONE_DIGITS } from '../phone';

const PHONE_FORMAT = `\`00\` or \`+\`, then ${PHONE_DIGITS.min}–${PHONE_DIGITS.max} digits; spaces, dashes and parentheses are ignored`;

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
  example of the same name.`;

/** When each error is answered (docs/API.md §5). */
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
    'Too many attempts or codes: a resend too soon, a send cap per phone, IP, country or for the whole service, a code whose attempts are used up, a phone past its wrong codes for the day, or too many wrong passwords. `Retry-After` says when to retry, where waiting helps.',
  badCredentials: 'Unknown phone or wrong password: the same answer, in the same time.',
  invalidRefreshToken: 'The refresh token is unknown, expired, rotated or revoked.',
  invalidAccessToken: "The access token is malformed, not signed by this service, not this user's, or its session has ended.",
  accessDenied:
    "The access token is live, but the request names another user: a `userId` or phone that is not the token's own, whether or not that user exists.",
  destinationNotAllowed:
    "The phone's country calling code is not one codes may be texted to (`SMS_ALLOWED_COUNTRY_CODES`): nothing is sent and no limit is spent.",
  humanCheckFailed:
    'The human check is on and `X-Challenge-Token` is missing, or the provider refused it (expired, used, or not a token). Nothing is spent.',
  serviceBusy: 'Storage is throttled or unreachable. Safe to retry after `Retry-After`.',
  internal: 'Anything unexpected.',
};
