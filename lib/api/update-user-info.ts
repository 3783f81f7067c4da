// PUT /koodrive/ose/v1/user/info — docs/API.md §6.4: changes the caller's name or email.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { defineEndpoint } from './endpoint';
import { NOT_A_TOKEN, OTHER_USER_ID, PHONE, USER_AUTH, USER_ID } from './example-values';
import { AUTHENTICATED_ERRORS, authorizationHeaders, email, text, userIdField } from './fields';

/** The fields a profile update may change; the phone is not one (docs/API.md §6.4). */
export const PROFILE_FIELDS = ['firstname', 'surname', 'email'] as const;

export const updateUserInfo = defineEndpoint({
  method: 'PUT',
  path: '/koodrive/ose/v1/user/info',
  handler: 'functions/update-user-info.handler',
  schema: {
    headers: authorizationHeaders,
    body: z
      .object({
        userId: userIdField,
        // The rules of registration (docs/API.md §1).
        firstname: z.optional(text(1, 64)),
        surname: z.optional(text(0, 64)),
        email: z.optional(email),
      })
      .check(
        z.refine(
          (body) => PROFILE_FIELDS.some((field) => body[field] !== undefined),
          `at least one of ${PROFILE_FIELDS.join(', ')} is required`,
        ),
      ),
    errors: [...AUTHENTICATED_ERRORS],
  },
  cacheControl: NO_STORE,
  doc: () => ({
    tag: 'Account',
    summary: 'Update the profile',
    description:
      "Changes the access token's user's `firstname`, `surname` or `email`, at least one of them, with the rules of registration; the fields left out keep their value. `userId` must be the token's user. The phone is not changed here: a `phone` in the body is ignored, like any field the body does not name.",
  }),
  examples: [
    {
      name: 'updateUserInfo',
      summary: 'A new surname and email',
      body: { userId: USER_ID, surname: 'Smith-Jones', email: 'John.Smith@Example.com' },
      headers: USER_AUTH,
      answer: {},
    },
    {
      name: 'phoneIgnored',
      summary: 'A phone in the body is ignored: the firstname changes, the phone does not',
      body: { userId: USER_ID, firstname: 'Johnny', phone: PHONE },
      headers: USER_AUTH,
      answer: {},
    },
    {
      name: 'anotherUser',
      summary: "Another user's id (refused whether or not the user exists)",
      body: { userId: OTHER_USER_ID, firstname: 'Mallory' },
      headers: USER_AUTH,
      answer: { error: 'accessDenied' },
    },
    {
      name: 'notAnAccessToken',
      summary: 'An Authorization that is no access token',
      body: { userId: USER_ID, firstname: 'Johnny' },
      headers: { Authorization: NOT_A_TOKEN },
      answer: { error: 'invalidAccessToken' },
    },
    {
      name: 'nothingToChange',
      summary: 'None of firstname, surname and email',
      body: { userId: USER_ID },
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. body: at least one of firstname, surname, email is required' },
    },
    {
      name: 'emptyFirstname',
      summary: 'A firstname that is only spaces',
      body: { userId: USER_ID, firstname: '   ' },
      headers: USER_AUTH,
      answer: { error: 'parameter', msg: 'Verify parameters failed. firstname: must not be empty' },
    },
  ],
});

export type UpdateUserInfoInput = z.output<typeof updateUserInfo.schema.body>;
