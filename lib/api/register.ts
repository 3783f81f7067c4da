// POST /koodrive/ose/v1/user/register — docs/API.md §1: the endpoint the service exists for.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint, type EndpointData } from './endpoint';
import { CAPTCHA_TOKEN, PASSWORD, PHONE, REGISTRATION, SESSION_INFO, UNKNOWN_CAPTCHA_TOKEN, USER_ID } from './example-values';
import { agentHeaders, email, password, phone, secret, sessionInfo, text, userId } from './fields';

export const register = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/user/register',
  handler: 'functions/register.handler',
  schema: {
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
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Registration',
    summary: 'Register a new user',
    description:
      'Registers the phone with a captcha token of `codeType` "1" for it, and opens a session. All or nothing: the phone is claimed, the token spent, the user stored and the session opened together. The identical request retried with the same token, within its lifetime, answers the same `userId` with a fresh session.',
  }),
  examples: [
    {
      name: 'register',
      summary: 'Register with the reference example',
      body: REGISTRATION,
      answer: { data: { userId: USER_ID, phone: PHONE, sessionInfo: SESSION_INFO } },
    },
    { name: 'phoneTaken', summary: 'A phone number already registered', body: REGISTRATION, answer: { error: 'phoneTaken' } },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { ...REGISTRATION, captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'commonPassword',
      summary: 'A common password',
      body: { ...REGISTRATION, password: 'password' },
      answer: { error: 'weakPassword', msg: 'Password is too common.' },
    },
    {
      name: 'noFirstname',
      summary: 'A mandatory field left out',
      body: { surname: 'Smith', phone: PHONE, email: '', captchaToken: CAPTCHA_TOKEN, password: PASSWORD },
      answer: { error: 'parameter', msg: 'Verify parameters failed. firstname: must be a string' },
    },
  ],
});

export type RegisterInput = z.output<typeof register.schema.body>;
export type RegisterData = EndpointData<typeof register.schema>;
