// GET /koodrive/ose/v1/user/info — docs/API.md §6.3: the caller's profile.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint, type EndpointData } from './endpoint';
import { NOT_A_TOKEN, OTHER_PHONE, OTHER_USER_ID, PHONE, USER_AUTH, USER_ID, USER_INFO } from './example-values';
import { AUTHENTICATED_ERRORS, authorizationHeaders, phone, userIdField, userInfo as userInfoData } from './fields';

export const userInfo = defineEndpoint({
  method: 'GET',
  path: '/koodrive/ose/v1/user/info',
  handler: 'functions/user-info.handler',
  schema: {
    headers: authorizationHeaders,
    query: z.object({ userId: z.optional(userIdField), phone: z.optional(phone) }),
    data: userInfoData,
    errors: [...AUTHENTICATED_ERRORS],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Read the profile',
    description:
      "The profile of the access token's user, as login's `userInfo` shows it. `userId` or `phone` may name that user (`userId` wins when both are given; neither means the caller); naming anyone else is refused, whether or not they exist.",
  }),
  examples: [
    {
      name: 'userInfo',
      summary: 'The profile, named by userId',
      query: { userId: USER_ID },
      headers: USER_AUTH,
      answer: { data: USER_INFO },
    },
    { name: 'byPhone', summary: 'The profile, named by phone', query: { phone: PHONE }, headers: USER_AUTH, answer: { data: USER_INFO } },
    { name: 'caller', summary: 'No userId or phone: the caller', headers: USER_AUTH, answer: { data: USER_INFO } },
    {
      name: 'anotherUser',
      summary: "Another user's id (refused whether or not the user exists)",
      query: { userId: OTHER_USER_ID },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'anotherPhone',
      summary: "Another user's phone (refused whether or not it is registered)",
      query: { phone: OTHER_PHONE },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'notAUserId',
      summary: 'A userId that is not one',
      query: { userId: 'me' },
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. userId: must be a user id' },
    },
  ],
});

export type UserInfoQuery = z.output<typeof userInfo.schema.query>;
export type UserInfoData = EndpointData<typeof userInfo.schema>;
