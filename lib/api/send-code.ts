// POST /koodrive/ose/verify/code/send — docs/API.md §2.1: texts a code to a phone.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { CODE_DIGITS } from '../secrets';
import { defineEndpoint } from './endpoint';
import { PHONE, REQUEST_ID } from './example-values';
import { agentHeaders, codeType, duration, isoTime, phone, PHONE_RULE, requestIdField } from './fields';

export const sendCode = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/verify/code/send',
  handler: 'functions/send-code.handler',
  schema: {
    headers: agentHeaders,
    body: z.object({ phone, codeType }),
    data: z.object({ requestId: requestIdField, expireAt: isoTime, resendAfter: z.int().check(z.nonnegative()) }),
    errors: ['tooManyAttempts'],
  },
  cacheControl: NO_STORE,
  doc: (limits) => ({
    tag: 'Verification',
    summary: 'Send a verification code',
    description: `Sends a ${CODE_DIGITS}-digit code by SMS, valid ${duration(limits.codeTtlSeconds)} and stored only as a hash. Limited by a resend cooldown per phone and by caps per phone and per source IP per hour (429).`,
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
  ],
});

export type SendCodeInput = z.output<typeof sendCode.schema.body>;
