// POST /koodrive/ose/v1/auth/logout — docs/API.md §3.3: ends the session.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint } from './endpoint';
import { ACCESS_TOKEN, NOT_A_TOKEN, USER_AUTH, USER_ID } from './example-values';
import { authorizationHeaders, bounded, userIdField } from './fields';

export const logout = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/auth/logout',
  handler: 'functions/logout.handler',
  schema: {
    headers: authorizationHeaders,
    body: z.object({
      userId: userIdField,
      accessToken: bounded(1, 4096),
      allSessions: z.optional(z.boolean({ error: 'must be true or false' })),
    }),
    errors: ['invalidAccessToken'],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Sessions',
    summary: 'Log out',
    description:
      'Ends the session: its refresh token stops working and its access tokens are refused until they expire. ' +
      'With `"allSessions": true`, ends every session of the user, on every device (sign out everywhere).',
  }),
  examples: [
    { name: 'logout', summary: 'End the session', body: { userId: USER_ID, accessToken: ACCESS_TOKEN }, headers: USER_AUTH, answer: {} },
    {
      name: 'logoutEverywhere',
      summary: 'End every session of the user',
      body: { userId: USER_ID, accessToken: ACCESS_TOKEN, allSessions: true },
      headers: USER_AUTH,
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
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. userId: must be a user id' },
    },
  ],
});
