// POST /koodrive/ose/v1/auth/login — docs/API.md §3.1: a session for a password or a login code.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint, type EndpointData } from './endpoint';
import { CAPTCHA_TOKEN, PASSWORD, PHONE, SESSION_INFO, UNKNOWN_CAPTCHA_TOKEN, USER_INFO } from './example-values';
import { agentHeaders, password, phone, secret, sessionInfo, userId } from './fields';

export const login = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/auth/login',
  handler: 'functions/login.handler',
  schema: {
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
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Sessions',
    summary: 'Log in',
    description:
      'With the password (`authType` "1") or with a captcha token of `codeType` "2" (`authType` "2"). A wrong phone and a wrong password give the same answer, in the same time. Wrong passwords are counted per phone and source IP, per phone and per source IP; once any of these budgets is used up, password logins it covers answer 429 until its window ends.',
  }),
  fieldNotes: () => ({
    account: "The user's phone number, written as `phone` is.",
    authType: '"1" password, "2" captcha token.',
  }),
  examples: [
    {
      name: 'passwordLogin',
      summary: 'Log in with the password',
      body: { account: PHONE, authType: '1', password: PASSWORD },
      answer: { data: { userInfo: USER_INFO, sessionInfo: SESSION_INFO } },
    },
    {
      name: 'codeLogin',
      summary: 'Log in with a captcha token (codeType 2)',
      body: { account: PHONE, authType: '2', captchaToken: CAPTCHA_TOKEN },
      answer: { data: { userInfo: USER_INFO, sessionInfo: SESSION_INFO } },
    },
    {
      name: 'wrongPassword',
      summary: 'A wrong password',
      body: { account: PHONE, authType: '1', password: 'Not-the-1-password' },
      answer: { error: 'badCredentials' },
    },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { account: PHONE, authType: '2', captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'passwordAttemptsUsedUp',
      summary: 'Too many wrong passwords for this phone from this address',
      body: { account: PHONE, authType: '1', password: PASSWORD },
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'unknownAuthType',
      summary: 'An authType other than "1" or "2"',
      body: { account: PHONE, authType: '3', password: PASSWORD },
      answer: { error: 'parameter', msg: 'Verify parameters failed. authType: authType must be "1" (password) or "2" (captcha token)' },
    },
  ],
});

export type LoginInput = z.output<typeof login.schema.body>;
export type LoginData = EndpointData<typeof login.schema>;
