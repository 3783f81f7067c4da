// POST /koodrive/ose/v1/user/register — its facts: lib/api/register.ts.
import { register as endpoint } from '../lib/api/register';
import { warmContainer, type DepsProvider } from '../lib/container';
import { register } from '../lib/domain/registration';
import { httpEndpoint } from '../lib/http/endpoint';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, { deps, metric: 'SignUps', handle: async ({ body, sourceIp }) => register(await deps(), body, sourceIp) });

export const handler = createHandler(warmContainer({ keys: 'signing' }));
