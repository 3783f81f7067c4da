// POST /koodrive/ose/v1/password/reset — docs/API.md §6.2: a forgotten password replaced, with a
// captcha token of `codeType` 3 for the phone; every session of the account ends.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint } from './endpoint';
import { CAPTCHA_TOKEN, NEW_PASSWORD, PHONE, UNKNOWN_CAPTCHA_TOKEN } from './example-values';
import { agentHeaders, password, phone, secret } from './fields';

const RESET = { phoneNumber: PHONE, captchaToken: CAPTCHA_TOKEN, newPwd: NEW_PASSWORD };

export const passwordReset = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/password/reset',
  handler: 'functions/password-reset.handler',
  schema: {
    headers: agentHeaders,
    body: z.object({ phoneNumber: phone, captchaToken: secret, newPwd: password }),
    errors: ['weakPassword', 'tokenInvalid', 'tokenExpired', 'badCredentials'],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Reset a forgotten password',
    description:
      'Sets a new password with a captcha token of `codeType` "3" for the phone, and ends every session of the account, on every device: their refresh tokens stop working and their access tokens are refused at once. All or nothing: the token is spent, the password replaced, the sessions ended and the failed-login count of the phone cleared together. A password the policy refuses leaves the token usable. The token is judged before the phone: a phone without an account answers 13001008 only to the holder of a valid token for it.',
  }),
  fieldNotes: () => ({
    phoneNumber: 'The phone whose password is reset, written as `phone` is: the one the captcha token was issued for.',
    newPwd: 'The new password, under the rules of `password` (13001004 names the rule it breaks).',
  }),
  examples: [
    { name: 'passwordReset', summary: 'Reset the password with a reset captcha token (codeType 3)', body: RESET, answer: {} },
    {
      name: 'commonPassword',
      summary: 'A common new password (the token stays usable)',
      body: { ...RESET, newPwd: 'password' },
      answer: { error: 'weakPassword', msg: 'Password is too common.' },
    },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { ...RESET, captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'noAccount',
      summary: 'A valid token for a phone whose account was deleted after the code was sent',
      body: RESET,
      answer: { error: 'badCredentials' },
    },
    {
      name: 'noNewPassword',
      summary: 'A mandatory field left out',
      body: { phoneNumber: PHONE, captchaToken: CAPTCHA_TOKEN },
      answer: { error: 'parameter', msg: 'Verify parameters failed. newPwd: must be a string' },
    },
  ],
});

export type PasswordResetInput = z.output<typeof passwordReset.schema.body>;
