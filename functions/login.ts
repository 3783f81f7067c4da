// POST /koodrive/ose/v1/auth/login — its facts: lib/api/login.ts.
import { login as endpoint } from '../lib/api/login';
import { warmContainer, type DepsProvider } from '../lib/container';
import { login } from '../lib/domain/login';
import { httpEndpoint } from '../lib/http/endpoint';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, { deps, handle: async ({ body, sourceIp }) => login(await deps(), body, sourceIp) });

export const handler = createHandler(warmContainer({ keys: 'signing' }));
