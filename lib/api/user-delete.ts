// DELETE /koodrive/ose/v1/user/delete — docs/API.md §6.6: the caller's account deleted, with every
// session and every item that names it.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint } from './endpoint';
import { NOT_A_TOKEN, OTHER_USER_ID, USER_AUTH, USER_ID } from './example-values';
import { AUTHENTICATED_ERRORS, authorizationHeaders, userIdField } from './fields';

export const userDelete = defineEndpoint({
  method: 'DELETE',
  path: '/koodrive/ose/v1/user/delete',
  handler: 'functions/user-delete.handler',
  schema: {
    headers: authorizationHeaders,
    query: z.object({ userId: userIdField }),
    errors: [...AUTHENTICATED_ERRORS],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Delete the account',
    description:
      "Deletes the access token's user, named by `userId`: the profile, the phone number's claim and every session, in one write. The phone can register again at once (with a new code); logging in with it answers 13001008, and the token that asked, like every other of the account, is refused from then on (13001010). Nothing that names the user is kept, but rate-limit counters, which expire.",
  }),
  examples: [
    { name: 'userDelete', summary: 'Delete the account', query: { userId: USER_ID }, headers: USER_AUTH, answer: {} },
    {
      name: 'deletedAlready',
      summary: 'The access token of an account already deleted',
      query: { userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'anotherUser',
      summary: "Another user's id (refused whether or not the user exists)",
      query: { userId: OTHER_USER_ID },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      query: { userId: USER_ID },
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'noUserId',
      summary: 'The userId left out',
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. userId: must be a string' },
    },
  ],
});
