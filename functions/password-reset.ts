// POST /koodrive/ose/v1/password/reset — its facts: lib/api/password-reset.ts.
import { passwordReset as endpoint } from '../lib/api/password-reset';
import { warmContainer, type DepsProvider } from '../lib/container';
import { resetPassword } from '../lib/domain/password-reset';
import { httpEndpoint } from '../lib/http/endpoint';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, { deps, handle: async ({ body, sourceIp }) => resetPassword(await deps(), body, sourceIp) });

// No key: a reset neither signs nor verifies a token, and opens no session.
export const handler = createHandler(warmContainer({ keys: 'none' }));
