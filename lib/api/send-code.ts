// POST /koodrive/ose/verify/code/send — docs/API.md §2.1: texts a code to a phone.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { CODE_DIGITS } from '../secrets';
import { defineEndpoint } from './endpoint';
import { PHONE, REQUEST_ID } from './example-values';
import { agentHeaders, authorizationHeaders, bounded, codeType, duration, isoTime, phone, PHONE_RULE, requestIdField } from './fields';

// A phone-change code (codeType 4) is asked for by a signed-in user: Authorization then, and the
// human check's token where a deployment turns it on (docs/API.md §2.1, §7). Turnstile's tokens run
// to 2,048 characters; reCAPTCHA's are of the same order.
const headers = z.object({
  ...agentHeaders.shape,
  authorization: z.optional(authorizationHeaders.shape.authorization),
  'x-challenge-token': z.optional(bounded(1, 4096)),
  // The SMS text's language (lib/sms/texts.ts): any value is accepted, one not written in is English.
  language: z.optional(z.string()),
});

export const sendCode = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/verify/code/send',
  handler: 'functions/send-code.handler',
  schema: {
    headers,
    body: z.object({ phone, codeType }),
    data: z.object({ requestId: requestIdField, expireAt: isoTime, resendAfter: z.int().check(z.nonnegative()) }),
    errors: ['tooManyAttempts', 'destinationNotAllowed', 'humanCheckFailed', 'invalidAccessToken'],
  },
  cacheControl: NO_STORE,
  doc: (limits) => ({
    tag: 'Verification',
    summary: 'Send a verification code',
    description: `Sends a ${CODE_DIGITS}-digit code by SMS, valid ${duration(limits.codeTtlSeconds)} and stored only as a hash. Only to the country calling codes the deployment allows (403), after its human check if it has one (\`X-Challenge-Token\`), and within its budgets (429): a resend cooldown, per phone, per source IP, per country and for the whole service per hour, and none for a phone past its wrong codes of the day. A phone-change code (\`codeType\` 4) needs the \`Authorization\` of a live session (401). Where the code's flow cannot succeed (a login or reset code for a phone without an account, a phone-change code to a number that has one) the answer is the same, the budgets are spent alike, and no SMS is sent.`,
  }),
  fieldNotes: () => ({ resendAfter: 'Seconds before another code may be sent to this phone.' }),
  examples: [
    {
      name: 'sendCode',
      summary: 'Send a registration code',
      body: { phone: PHONE, codeType: '1' },
      answer: { data: { requestId: REQUEST_ID, expireAt: '2026-02-25T08:21:31.514Z', resendAfter: 60 } },
    },
    {
      name: 'notAPhone',
      summary: 'A phone number without its international prefix',
      body: { phone: '188460901', codeType: '1' },
      answer: { error: 'parameter', msg: `Verify parameters failed. phone: ${PHONE_RULE}` },
    },
    {
      name: 'sendCapReached',
      summary: 'A phone that got as many codes as it may this hour',
      body: { phone: PHONE, codeType: '1' },
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'phoneChangeWithoutSession',
      summary: 'A phone-change code asked for without a session',
      body: { phone: PHONE, codeType: '4' },
      answer: { error: 'invalidAccessToken' },
    },
  ],
});

export type SendCodeInput = z.output<typeof sendCode.schema.body>;
export type SendCodeHeaders = z.output<typeof sendCode.schema.headers>;
