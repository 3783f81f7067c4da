// POST /koodrive/ose/v1/user/phone/modify — docs/API.md §6.5: a signed-in user moves the account
// to a new phone number.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint, type EndpointData } from './endpoint';
import { CAPTCHA_TOKEN, NOT_A_TOKEN, PASSWORD, UNKNOWN_CAPTCHA_TOKEN, USER_AUTH, USER_ID } from './example-values';
import { AUTHENTICATED_ERRORS, authorizationHeaders, password, phone, PHONE_RULE, secret, userIdField } from './fields';

const NEW_PHONE = '0027188460902';
const OTHER_USER_ID = '1893595880502717058';
const CHANGE = { userId: USER_ID, newPhone: NEW_PHONE, captchaToken: CAPTCHA_TOKEN, password: PASSWORD };

export const phoneModify = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/user/phone/modify',
  handler: 'functions/phone-modify.handler',
  schema: {
    headers: authorizationHeaders,
    body: z.object({ userId: userIdField, newPhone: phone, captchaToken: secret, password }),
    data: z.object({ phone: z.string() }),
    errors: [...AUTHENTICATED_ERRORS, 'badCredentials', 'tooManyAttempts', 'phoneTaken', 'tokenInvalid', 'tokenExpired'],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Change the phone number',
    description:
      'Moves the account to `newPhone`, with a captcha token of `codeType` "4" for it and the account\'s password (checked as a login checks it: a wrong one spends one of the account\'s password tries). In one write: the token is spent, the new number claimed (409 if another user holds it, and then nothing changes), the old number released (it can register again at once), the profile updated and every other session of the user ended. The calling session stays.',
  }),
  fieldNotes: () => ({
    newPhone: 'The number to move to, written as `phone` is. Answered in the canonical `00…` form.',
  }),
  examples: [
    { name: 'changePhone', summary: 'Move to a new number', body: CHANGE, headers: USER_AUTH, answer: { data: { phone: NEW_PHONE } } },
    {
      name: 'newPhoneTaken',
      summary: 'A number another user holds',
      body: CHANGE,
      headers: USER_AUTH,
      answer: { error: 'phoneTaken' },
    },
    {
      name: 'wrongPassword',
      summary: 'A wrong password',
      body: { ...CHANGE, password: 'Not-the-1-password' },
      headers: USER_AUTH,
      answer: { error: 'badCredentials' },
    },
    {
      name: 'unknownToken',
      summary: 'A captcha token the service never issued',
      body: { ...CHANGE, captchaToken: UNKNOWN_CAPTCHA_TOKEN },
      headers: USER_AUTH,
      answer: { error: 'tokenInvalid' },
    },
    {
      name: 'anotherUser',
      summary: "A userId that is not the access token's user",
      body: { ...CHANGE, userId: OTHER_USER_ID },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      body: CHANGE,
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'notAPhone',
      summary: 'A newPhone that is not a phone number',
      body: { ...CHANGE, newPhone: '12345' },
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: `Verify parameters failed. newPhone: ${PHONE_RULE}` },
    },
  ],
});

export type PhoneModifyInput = z.output<typeof phoneModify.schema.body>;
export type PhoneModifyData = EndpointData<typeof phoneModify.schema>;
