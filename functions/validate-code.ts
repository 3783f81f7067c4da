// POST /koodrive/ose/verify/code/validate — its facts: lib/api/validate-code.ts.
import { validateCode as endpoint } from '../lib/api/validate-code';
import { warmContainer, type DepsProvider } from '../lib/container';
import { validateCode } from '../lib/domain/verification';
import { httpEndpoint } from '../lib/http/endpoint';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, { deps, handle: async ({ body }) => validateCode(await deps(), body) });

export const handler = createHandler(warmContainer({ keys: 'codes' }));
