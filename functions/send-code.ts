// POST /koodrive/ose/verify/code/send — its facts: lib/api/send-code.ts.
import { sendCode as endpoint } from '../lib/api/send-code';
import { createHumanCheck } from '../lib/challenge/create';
import { warmContainer, type DepsProvider } from '../lib/container';
import { sendCode } from '../lib/domain/verification';
import { httpEndpoint } from '../lib/http/endpoint';
import { createSmsSender } from '../lib/sms/create';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    deps,
    handle: async ({ body, headers, sourceIp }) =>
      sendCode(await deps(), body, {
        sourceIp,
        authorization: headers.authorization,
        challengeToken: headers['x-challenge-token'],
        language: headers.language,
      }),
  });

// The code key, and the public keys that check a phone-change code's session (codeType 4).
export const handler = createHandler(
  warmContainer({ keys: ['codes', 'verifying'], sms: createSmsSender, verifier: localVerifier, humanCheck: createHumanCheck }),
);
