// POST /koodrive/ose/verify/code/validate — docs/API.md §2.2: trades a code for a captcha token.
import * as z from 'zod/mini';
import { NO_STORE } from '../http/envelope';
import { CODE_DIGITS } from '../secrets';
import { defineEndpoint, type EndpointData } from './endpoint';
import { CAPTCHA_TOKEN, REQUEST_ID } from './example-values';
import { agentHeaders, codeType, counted, duration, isoTime, requestIdField } from './fields';

export const validateCode = defineEndpoint({
  method: 'POST',
  path: '/koodrive/ose/verify/code/validate',
  handler: 'functions/validate-code.handler',
  schema: {
    headers: agentHeaders,
    body: z.object({
      requestId: requestIdField,
      code: z.string({ error: 'must be a string' }).check(z.regex(new RegExp(`^[0-9]{${CODE_DIGITS}}$`), `must be ${CODE_DIGITS} digits`)),
      codeType,
    }),
    data: z.object({ verified: z.literal(true), token: z.string(), expireAt: isoTime }),
    errors: ['wrongCode', 'tooManyAttempts', 'tokenExpired'],
  },
  cacheControl: NO_STORE,
  doc: (limits) => ({
    tag: 'Verification',
    summary: 'Validate a code',
    description: `Exchanges the code for a captcha token, bound to the phone and \`codeType\` of the request, single-use and valid ${duration(limits.captchaTokenTtlSeconds)}. A wrong code answers 400 with \`failCount\`; after ${counted(limits.codeMaxAttempts, 'wrong attempt')} the request is dead (429) and a new code must be sent.`,
  }),
  fieldNotes: (limits) => ({
    token: `The captcha token: single-use, valid ${duration(limits.captchaTokenTtlSeconds)}, bound to the phone and \`codeType\` of the request.`,
  }),
  examples: [
    {
      name: 'validateCode',
      summary: 'The right code answers a captcha token',
      body: { requestId: REQUEST_ID, code: '471932', codeType: '1' },
      answer: { data: { verified: true, token: CAPTCHA_TOKEN, expireAt: '2026-02-25T08:26:31.514Z' } },
    },
    {
      name: 'wrongCode',
      summary: 'A wrong code, counted',
      body: { requestId: REQUEST_ID, code: '123456', codeType: '1' },
      answer: { error: 'wrongCode', data: { verified: false, failCount: '1' } },
    },
    {
      name: 'attemptsUsedUp',
      summary: 'A code request whose wrong attempts are used up',
      body: { requestId: REQUEST_ID, code: '123456', codeType: '1' },
      answer: { error: 'tooManyAttempts' },
    },
    {
      name: 'shortCode',
      summary: 'A code that is not 6 digits',
      body: { requestId: REQUEST_ID, code: '4719', codeType: '1' },
      answer: { error: 'parameter', msg: 'Verify parameters failed. code: must be 6 digits' },
    },
  ],
});

export type ValidateCodeInput = z.output<typeof validateCode.schema.body>;
export type ValidateCodeData = EndpointData<typeof validateCode.schema>;
