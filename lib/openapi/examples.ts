// The examples of the API document, each a named case: a request and the answer it gets. The
// SPEC's own examples come first; then one case per error an endpoint answers, where a client can
// provoke it. tests/openapi.test.ts replays every case against the running service, so an example
// added here is checked from then on.
//
// Ids, codes and tokens in a request are illustrations: a case names the ones the replay must take
// from a fresh flow (`live`), from this vocabulary.
import type { ErrorKind } from '../errors';
import type { RouteName } from '../endpoints';
import { PHONE_RULE } from '../schemas';
import { BODY_LIMIT } from './texts';

/** Values a replay makes for a case, fresh for each case; `live` says where they go. */
export const LIVE_VALUES = {
  phone: 'a phone number nobody registered',
  requestId: 'the id of a registration code just sent to `phone`',
  code: 'the SMS code of `requestId`',
  wrongCode: 'a 6-digit code other than `code`',
  spentRequestId: 'the id of a code request whose wrong attempts are used up',
  captchaToken: 'a registration captcha token (codeType 1) for `phone`',
  exhaustedPhone: 'a phone number that got as many codes as it may this hour',
  userPhone: 'the phone of a user just registered with the password 01ASDAa1',
  userId: "that user's id",
  accessToken: "that user's access token (`AT <JWS>`)",
  refreshToken: "that user's refresh token",
  userCaptchaToken: 'a registration captcha token (codeType 1) for `userPhone`',
  loginCaptchaToken: 'a login captcha token (codeType 2) for `userPhone`',
  lockedPhone: 'the phone of a user whose password attempts are used up',
  oversized: `a string that makes the body larger than ${BODY_LIMIT}`,
} as const;

export type LiveValue = keyof typeof LIVE_VALUES;

/** Where a live value goes in the request: a body field or a header. */
export type LivePointer = `/body/${string}` | `/headers/${string}`;

export type ExampleAnswer =
  /** An error of the catalogue; `msg` when the answer's differs (a named field, a policy rule). */
  | { error: ErrorKind; msg?: string; data?: unknown }
  /** Success: the envelope's `data` (the whole body of a bare endpoint). */
  | { data?: unknown };

export interface ExampleCase {
  /** Names both the request example and the answer's example. */
  name: string;
  summary: string;
  /** The JSON body; with a non-JSON `Content-Type` header, the text sent as is. */
  body?: unknown;
  /** Headers beyond the required ones: Authorization, X-Traceid, Content-Type. */
  headers?: Readonly<Record<string, string>>;
  live?: Readonly<Partial<Record<LivePointer, LiveValue>>>;
  answer: ExampleAnswer;
}

// SPEC §1 (the reference example of the KooDrive carrier API), and values in the same style.
const PHONE = '0027188460901';
const USER_ID = '1893595880502717057';
const PASSWORD = '01ASDAa1';
// The SPEC abbreviates the token (`eyJ...`); a complete one keeps the example valid against the schema.
const ACCESS_TOKEN =
  'AT eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIxODkzNTk1ODgwNTAyNzE3MDU3In0.MEUCIQDkZ2V4YW1wbGUtc2lnbmF0dXJlLW9ubHk';
const REFRESH_TOKEN = 'a7ec09ec91fb295d72534a66d03eaf9ef87949ec66df73ca';
const SESSION_INFO = { accessToken: ACCESS_TOKEN, expiresIn: 1800, issuedAt: '1772006219896', refreshToken: REFRESH_TOKEN };
const REQUEST_ID = '1893595880502717056';
const CAPTCHA_TOKEN = '5f2b8c0e9d4a47c1b3e6f8a2d7c9e1b4a6f3d8c2e7b9a1f4c6d8e2b5a7c9f1d3';
const UNKNOWN_CAPTCHA_TOKEN = '0000000000000000000000000000000000000000000000000000000000000000';
const UNKNOWN_REFRESH_TOKEN = '000000000000000000000000000000000000000000000000';
const NOT_A_TOKEN = 'AT not-a-token';

const registration = { firstname: 'John', surname: 'Smith', phone: PHONE, email: '', captchaToken: CAPTCHA_TOKEN, password: PASSWORD };
const userAuth = { Authorization: ACCESS_TOKEN };

/** The cases of each operation, written for it; the generic ones of every body are added by `examplesOf`. */
const CASES: Readonly<Record<RouteName, readonly ExampleCase[]>> = {
  sendCode: [
    {
      name: 'sendCode',
      summary: 'SPEC §2.1: send a registration code',
      body: { phone: PHONE, codeType: '1' },
      live: { '/body/phone': 'phone' },
      answer: { data: { requestId: REQUEST_ID, expireAt: '2026-02-25T08:21:31.514Z', resendAfter: 60 } },
    },
    {
      name: 'notAPhone',
      summary: 'A phone number without its international prefix',
      body: { phone: '188460901', codeType: '1' },
      answer: { error: 'parameter', msg: `Verify parameters failed. phone: ${PHONE_RULE}` },
    },
    {
      name: 'sendCapReached',
      summary: 'A phone that got as many codes as it may this hour',
      body: { phone: PHONE, codeType: '1' },
      live: { '/body/phone': 'exhaustedPhone' },
      answer: { error: 'tooManyAttempts' },
    },
  ],
  validateCode: [
    {
      name: 'validateCode',
      summary: 'SPEC §2.2: the right code answers a captcha token',
      body: { requestId: REQUEST_ID, code: '471932', codeType: '1' },
      live: { '/body/requestId': 'requestId', '/body/code': 'code' },
      answer: { data: { verified: true, token: CAPTCHA_TOKEN, expireAt: '2026-02-25T08:26:31.514Z' } },
    },
    {
      name: 'wrongCode',
      summary: 'SPEC §2.2: a wrong code, counted',
      body: { requestId: REQUEST_ID, code: '123456', codeType: '1' },
      live: { '/body/requestId': 'requestId', '/body/code': 'wrongCode' },
      answer: { error: 'wrongCode', data: { verified: false, failCount: '1' } },
    },
    {
      name: 'attemptsUsedUp',
      summary: 'A code request whose wrong attempts are used up',
      body: { requestId: REQUEST_ID, code: '123456', codeType: '1' },
      live: { '/body/requestId': 'spentRequestId' },
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'shortCode',
      summary: 'A code that is not 6 digits',
      body: { requestId: REQUEST_ID, code: '4719', codeType: '1' },
      answer: { error: 'parameter', msg: 'Verify parameters failed. code: must be 6 digits' },
    },
  ],
  register: [
    {
      name: 'register',
      summary: 'SPEC §1: register with the reference example',
      body: registration,
      live: { '/body/phone': 'phone', '/body/captchaToken': 'captchaToken' },
      answer: { data: { userId: USER_ID, phone: PHONE, sessionInfo: SESSION_INFO } },
    },
    {
      name: 'phoneTaken',
      summary: 'A phone number already registered',
      body: registration,
      live: { '/body/phone': 'userPhone', '/body/captchaToken': 'userCaptchaToken' },
      answer: { error: 'phoneTaken' },
    },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { ...registration, captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      live: { '/body/phone': 'phone' },
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'commonPassword',
      summary: 'A common password',
      body: { ...registration, password: 'password' },
      live: { '/body/phone': 'phone', '/body/captchaToken': 'captchaToken' },
      answer: { error: 'weakPassword', msg: 'Password is too common.' },
    },
    {
      name: 'noFirstname',
      summary: 'A mandatory field left out',
      body: { surname: 'Smith', phone: PHONE, email: '', captchaToken: CAPTCHA_TOKEN, password: PASSWORD },
      answer: { error: 'parameter', msg: 'Verify parameters failed. firstname: must be a string' },
    },
  ],
  login: [
    {
      name: 'passwordLogin',
      summary: 'SPEC §3.1: log in with the password',
      body: { account: PHONE, authType: '1', password: PASSWORD },
      live: { '/body/account': 'userPhone' },
      answer: {
        data: { userInfo: { userId: USER_ID, firstname: 'John', surname: 'Smith', phone: PHONE, email: '' }, sessionInfo: SESSION_INFO },
      },
    },
    {
      name: 'codeLogin',
      summary: 'SPEC §3.1: log in with a captcha token (codeType 2)',
      body: { account: PHONE, authType: '2', captchaToken: CAPTCHA_TOKEN },
      live: { '/body/account': 'userPhone', '/body/captchaToken': 'loginCaptchaToken' },
      answer: {
        data: { userInfo: { userId: USER_ID, firstname: 'John', surname: 'Smith', phone: PHONE, email: '' }, sessionInfo: SESSION_INFO },
      },
    },
    {
      name: 'wrongPassword',
      summary: 'A wrong password',
      body: { account: PHONE, authType: '1', password: 'Not-the-1-password' },
      live: { '/body/account': 'userPhone' },
      answer: { error: 'badCredentials' },
    },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { account: PHONE, authType: '2', captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      live: { '/body/account': 'userPhone' },
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'passwordAttemptsUsedUp',
      summary: 'Too many wrong passwords for this phone',
      body: { account: PHONE, authType: '1', password: PASSWORD },
      live: { '/body/account': 'lockedPhone' },
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'unknownAuthType',
      summary: 'An authType other than "1" or "2"',
      body: { account: PHONE, authType: '3', password: PASSWORD },
      answer: { error: 'parameter', msg: 'Verify parameters failed. authType: authType must be "1" (password) or "2" (captcha token)' },
    },
  ],
  refreshToken: [
    {
      name: 'refreshToken',
      summary: 'SPEC §3.2: a new session for the refresh token',
      body: { refreshToken: REFRESH_TOKEN },
      headers: userAuth,
      live: { '/headers/Authorization': 'accessToken', '/body/refreshToken': 'refreshToken' },
      answer: { data: { sessionInfo: SESSION_INFO } },
    },
    {
      name: 'unknownRefreshToken',
      summary: 'A refresh token the service never issued',
      body: { refreshToken: UNKNOWN_REFRESH_TOKEN },
      headers: userAuth,
      live: { '/headers/Authorization': 'accessToken' },
      answer: { error: 'invalidRefreshToken' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      body: { refreshToken: REFRESH_TOKEN },
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'noAuthorization',
      summary: 'No Authorization header',
      body: { refreshToken: REFRESH_TOKEN },
      answer: { error: 'parameter', msg: 'Verify parameters failed. Authorization: is required' },
    },
  ],
  logout: [
    {
      name: 'logout',
      summary: 'SPEC §3.3: end the session',
      body: { userId: USER_ID, accessToken: ACCESS_TOKEN },
      headers: userAuth,
      live: { '/headers/Authorization': 'accessToken', '/body/userId': 'userId', '/body/accessToken': 'accessToken' },
      answer: {},
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      body: { userId: USER_ID, accessToken: NOT_A_TOKEN },
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'notAUserId',
      summary: 'A userId that is not one',
      body: { userId: 'me', accessToken: ACCESS_TOKEN },
      headers: userAuth,
      answer: { error: 'parameter', msg: 'Verify parameters failed. userId: must be a user id' },
    },
  ],
  jwks: [
    {
      name: 'jwks',
      summary: 'SPEC §3.4: the public keys, with a trace id',
      headers: { 'X-Traceid': 'docs-example-1' },
      answer: {
        data: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              kid: 'Nb9ZyKqoL6fK6ZpXz1KjW0mA3r2dUQWQnVf8gCZ1xHs',
              alg: 'ES256',
              use: 'sig',
            },
          ],
        },
      },
    },
    {
      name: 'badTraceId',
      summary: 'An X-Traceid with characters outside A-Z a-z 0-9 _ -',
      headers: { 'X-Traceid': 'not a trace id' },
      answer: { error: 'parameter', msg: 'Verify parameters failed. X-Traceid: must be 1-64 characters of A-Z a-z 0-9 _ -' },
    },
  ],
};

/**
 * Every case of an operation: its own, then the two every body endpoint answers alike, made from
 * its first example's body.
 */
export function examplesOf(route: RouteName, hasBody: boolean): ExampleCase[] {
  const own = [...CASES[route]];
  const first = own[0];
  if (!hasBody || first === undefined) return own;
  const body = first.body as Record<string, unknown>;
  return [
    ...own,
    {
      name: 'bodyTooLarge',
      summary: `A body over ${BODY_LIMIT}`,
      body: { ...body, padding: `(more than ${BODY_LIMIT})` },
      headers: first.headers,
      live: { '/body/padding': 'oversized' },
      answer: { error: 'bodyTooLarge' },
    },
    {
      name: 'notJson',
      summary: 'A body that is not JSON',
      body: new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString(),
      headers: { ...first.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      answer: { error: 'unsupportedMediaType' },
    },
  ];
}
