// POST /koodrive/ose/v1/auth/refreshToken — docs/API.md §3.2: a new session info, the refresh token rotated.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint, type EndpointData } from './endpoint';
import { NOT_A_TOKEN, REFRESH_TOKEN, SESSION_INFO, UNKNOWN_REFRESH_TOKEN, USER_AUTH } from './example-values';
import { authorizationHeaders, secret, sessionInfo } from './fields';

export const refreshToken = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/v1/auth/refreshToken',
  handler: 'functions/refresh-token.handler',
  schema: {
    headers: authorizationHeaders,
    body: z.object({ refreshToken: secret }),
    data: z.object({ sessionInfo }),
    errors: ['invalidAccessToken', 'invalidRefreshToken'],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Sessions',
    summary: 'Refresh the session',
    description:
      'Takes the access token in `Authorization` (an expired but genuine one of the same user is accepted) and the refresh token. Answers a new session: the old refresh token stops working, and presenting it again later ends the whole session (reuse detection).',
  }),
  examples: [
    {
      name: 'refreshToken',
      summary: 'A new session for the refresh token',
      body: { refreshToken: REFRESH_TOKEN },
      headers: USER_AUTH,
      answer: { data: { sessionInfo: SESSION_INFO } },
    },
    {
      name: 'unknownRefreshToken',
      summary: 'A refresh token the service never issued',
      body: { refreshToken: UNKNOWN_REFRESH_TOKEN },
      headers: USER_AUTH,
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
});

export type RefreshData = EndpointData<typeof refreshToken.schema>;
