// POST /koodrive/ose/v1/auth/logout — its facts: lib/api/logout.ts.
import { logout as endpoint } from '../lib/api/logout';
import { warmContainer, type DepsProvider } from '../lib/container';
import { endSession } from '../lib/domain/sessions';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ body, headers }) =>
      endSession(await deps(), {
        authorization: headers.authorization,
        userId: body.userId,
        bodyToken: body.accessToken,
        allSessions: body.allSessions,
      }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
