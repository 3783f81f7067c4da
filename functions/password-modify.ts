// POST /koodrive/ose/v1/password/modify — its facts: lib/api/password-modify.ts.
import { passwordModify as endpoint } from '../lib/api/password-modify';
import { warmContainer, type DepsProvider } from '../lib/container';
import { changePassword } from '../lib/domain/credentials';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ body, headers, sourceIp }) => changePassword(await deps(), { authorization: headers.authorization, body, sourceIp }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
