// DELETE /koodrive/ose/v1/user/delete — its facts: lib/api/user-delete.ts.
import { userDelete as endpoint } from '../lib/api/user-delete';
import { warmContainer, type DepsProvider } from '../lib/container';
import { deleteAccount } from '../lib/domain/account-deletion';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ headers, query }) => deleteAccount(await deps(), { authorization: headers.authorization, userId: query.userId }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
