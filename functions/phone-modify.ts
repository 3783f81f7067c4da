// POST /koodrive/ose/v1/user/phone/modify — its facts: lib/api/phone-modify.ts.
import { phoneModify as endpoint } from '../lib/api/phone-modify';
import { warmContainer, type DepsProvider } from '../lib/container';
import { changePhone } from '../lib/domain/credentials';
import { httpEndpoint } from '../lib/http/endpoint';
import { localVerifier } from '../lib/tokens/local-verifier';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, {
    handle: async ({ body, headers, sourceIp }) => changePhone(await deps(), { authorization: headers.authorization, body, sourceIp }),
  });

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
