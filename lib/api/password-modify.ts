// POST /koodrive/ose/v1/password/modify — docs/API.md §6.1: a signed-in user changes the password.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint } from './endpoint';
import { NOT_A_TOKEN, PASSWORD, USER_AUTH, USER_ID } from './example-values';
import { AUTHENTICATED_ERRORS, authorizationHeaders, password, userIdField } from './fields';

const NEW_PASSWORD = '02BSEBb2';
const OTHER_USER_ID = '1893595880502717058';

export const passwordModify = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/password/modify',
  handler: 'functions/password-modify.handler',
  schema: {
    headers: authorizationHeaders,
    body: z.object({ oldPassword: password, newPassword: password, userId: userIdField }),
    errors: [...AUTHENTICATED_ERRORS, 'badCredentials', 'weakPassword', 'tooManyAttempts'],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Change the password',
    description:
      "Checks `oldPassword` as a login does (a wrong one spends one of the account's password tries), then replaces the password and ends every other session of the user, on every device, in one write. The calling session stays. `newPassword` follows the registration policy and must differ from `oldPassword`.",
  }),
  fieldNotes: () => ({
    oldPassword: "The current password. A wrong one is 401 and spends one of the account's password tries, as a login does.",
    newPassword: 'The new password: the policy of `password`, and not the same as `oldPassword`.',
  }),
  examples: [
    {
      name: 'changePassword',
      summary: 'Change the password',
      body: { oldPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: USER_ID },
      headers: USER_AUTH,
      answer: {},
    },
    {
      name: 'wrongOldPassword',
      summary: 'A wrong old password',
      body: { oldPassword: 'Not-the-1-password', newPassword: NEW_PASSWORD, userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'badCredentials' },
    },
    {
      name: 'sameAsOld',
      summary: 'A new password that is the old one',
      body: { oldPassword: PASSWORD, newPassword: PASSWORD, userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'weakPassword', msg: 'Password must differ from the old password.' },
    },
    {
      name: 'commonNewPassword',
      summary: 'A common new password',
      body: { oldPassword: PASSWORD, newPassword: 'password', userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'weakPassword', msg: 'Password is too common.' },
    },
    {
      name: 'passwordAttemptsUsedUp',
      summary: 'Too many wrong passwords for this account',
      body: { oldPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'anotherUser',
      summary: "A userId that is not the access token's user",
      body: { oldPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: OTHER_USER_ID },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      body: { oldPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: USER_ID },
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'noNewPassword',
      summary: 'A mandatory field left out',
      body: { oldPassword: PASSWORD, userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. newPassword: must be a string' },
    },
  ],
});

export type PasswordModifyInput = z.output<typeof passwordModify.schema.body>;
