// PUT /koodrive/ose/v1/user/info — its facts: lib/api/update-user-info.ts.
import { updateUserInfo as endpoint } from '../lib/api/update-user-info';
import { warmContainer, type DepsProvider } from '../lib/container';
import { updateProfile } from '../lib/domain/profile';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ headers, body }) => updateProfile(await deps(), { authorization: headers.authorization, body }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
