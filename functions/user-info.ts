// GET /koodrive/ose/v1/user/info — its facts: lib/api/user-info.ts.
import { userInfo as endpoint } from '../lib/api/user-info';
import { warmContainer, type DepsProvider } from '../lib/container';
import { readProfile } from '../lib/domain/profile';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ headers, query }) => readProfile(await deps(), { authorization: headers.authorization, ...query }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
