// POST /koodrive/ose/v1/auth/refreshToken — its facts: lib/api/refresh-token.ts.
import { refreshToken as endpoint } from '../lib/api/refresh-token';
import { warmContainer, type DepsProvider } from '../lib/container';
import { refreshSession } from '../lib/domain/sessions';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ body, headers }) =>
      refreshSession(await deps(), { authorization: headers.authorization, refreshToken: body.refreshToken }),
  });

export const handler = createHandler(warmContainer({ keys: 'signing', verifier: localVerifier }));
